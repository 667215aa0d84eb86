import { describe, expect, it } from "vitest";
import { flowFileFormat, flowToYaml, parseFlowFile } from "./flow-file";
import { flowTemplates } from "./templates/catalog";

describe("flow files", () => {
  it("round-trips every template through YAML to the same document", () => {
    for (const template of flowTemplates) {
      const document = template.document();
      const yaml = flowToYaml(document);
      expect(yaml).toContain("schemaVersion: 1");
      expect(parseFlowFile(`${template.id}.yaml`, yaml), template.id).toEqual(document);
      expect(parseFlowFile(`${template.id}.json`, JSON.stringify(document))).toEqual(document);
    }
  });

  it("keeps strings that look like other YAML types as strings", () => {
    const document = flowTemplates[0]!.document();
    document.description = "yes: no, 0x10, ~, 2026-01-01, null";
    document.nodes[0]!.data.label = "on";
    expect(parseFlowFile("f.yaml", flowToYaml(document))).toEqual(document);
  });

  it("tells the format by name, else by content", () => {
    expect(flowFileFormat("a.yml", "{}")).toBe("yaml");
    expect(flowFileFormat("a.switchyard.json", "nodes: []")).toBe("json");
    expect(flowFileFormat("a", '  {"x":1}')).toBe("json");
    expect(flowFileFormat("a", "x: 1")).toBe("yaml");
  });

  it("refuses hostile or broken files with a message that says why", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      ..."bcdefghij".split("").map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefghij"[i]}`).join(", ")}]`),
    ].join("\n");
    expect(() => parseFlowFile("bomb.yaml", bomb)).toThrow(/not valid YAML/);
    expect(() => parseFlowFile("dup.yaml", "name: a\nname: b\n")).toThrow(/not valid YAML.*(unique|Map keys)/i);
    expect(() => parseFlowFile("f.json", "{ nope")).toThrow(/not valid JSON/);
    expect(() => parseFlowFile("big.yaml", "x".repeat(1024 * 1024 + 1))).toThrow(/larger than 1 MiB/);
  });
});
