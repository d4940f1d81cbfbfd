/**
 * jsonPreview: a parsed JSON value as JSON text for a message, cut after `maxChars`. Unlike
 * JSON.stringify it keeps its own stack, so 100,000 nested brackets cannot overflow the call
 * stack, and it stops writing at the cut, so a million-element array costs no more than a short
 * one.
 */

/** A value still to write, or text (punctuation) to copy. */
type Pending = { value: unknown } | string;

/**
 * @example
 * jsonPreview({ a: [1, "x"] }); // '{"a":[1,"x"]}'
 * jsonPreview("x".repeat(500), 10); // '"xxxxxxxxx...'
 */
export function jsonPreview(value: unknown, maxChars = 200): string {
  let out = "";
  const stack: Pending[] = [{ value }];
  while (stack.length > 0 && out.length <= maxChars) {
    const next = stack.pop()!;
    if (typeof next === "string") {
      out += next;
      continue;
    }
    const v = next.value;
    if (Array.isArray(v)) {
      // Each element writes at least one character, so no more than maxChars can be shown.
      const shown = Math.min(v.length, maxChars);
      stack.push(v.length > shown ? ",...]" : "]");
      for (let i = shown - 1; i >= 0; i--) {
        stack.push({ value: v[i] });
        if (i > 0) stack.push(",");
      }
      out += "[";
    } else if (v !== null && typeof v === "object") {
      const keys: string[] = [];
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        if (keys.length === maxChars) break;
        keys.push(key);
      }
      stack.push("}");
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (v as Record<string, unknown>)[keys[i]!] });
        stack.push(`${scalarText(keys[i]!, maxChars)}:`);
        if (i > 0) stack.push(",");
      }
      out += "{";
    } else out += scalarText(v, maxChars);
  }
  return out.length > maxChars || stack.length > 0 ? `${out.slice(0, maxChars)}...` : out;
}

function scalarText(v: unknown, maxChars: number): string {
  if (typeof v === "string")
    return JSON.stringify(v.length > maxChars ? v.slice(0, maxChars) : v) ?? "";
  if (v === undefined || typeof v === "function" || typeof v === "symbol") return "null";
  if (typeof v === "bigint") return String(v);
  return JSON.stringify(v) ?? "null";
}
