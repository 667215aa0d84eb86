/** Saves a value as a pretty-printed JSON file through the browser's download. */
export function downloadJson(value: unknown, name: string) {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: "application/json" });
  const link = window.document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `${name.replace(/[^\w.-]+/g, "-").toLowerCase() || "export"}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}
