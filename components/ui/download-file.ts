/** Saves text as a file through the browser's download; the name is made safe for every file system. */
export function downloadFile(text: string, name: string, extension: string, type: string) {
  const blob = new Blob([text], { type });
  const link = window.document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `${name.replace(/[^\w.-]+/g, "-").toLowerCase() || "export"}.${extension}`;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** Saves a value as a pretty-printed JSON file. */
export function downloadJson(value: unknown, name: string) {
  downloadFile(`${JSON.stringify(value, null, 2)}\n`, name, "json", "application/json");
}
