/**
 * A small strict XML parser for the tests: elements, attributes and text, entity decoding.
 * It throws on mismatched tags, unknown entities or a raw "<" / "&" in text, so parsing a plot
 * also checks that it is well-formed.
 */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Text directly inside this element (children's text excluded). */
  text: string;
  parent: XmlNode | null;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&([^;\s]*);?/g, (m, name: string) => {
    if (!m.endsWith(";")) throw new Error(`bare & in ${JSON.stringify(s)}`);
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    const v = ENTITIES[name];
    if (v === undefined) throw new Error(`unknown entity &${name};`);
    return v;
  });
}

export function parseXml(source: string): XmlNode {
  const s = source.replace(/^<\?xml[^?]*\?>\s*/, "");
  const root: XmlNode = { name: "#root", attrs: {}, children: [], text: "", parent: null };
  let current = root;
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf("<", i);
    const chunk = lt === -1 ? s.slice(i) : s.slice(i, lt);
    if (chunk.includes(">"))
      throw new Error(`raw ">" in text near ${JSON.stringify(chunk.slice(0, 40))}`);
    current.text += decode(chunk);
    if (lt === -1) break;
    const gt = s.indexOf(">", lt);
    if (gt === -1) throw new Error("unterminated tag");
    const tag = s.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      if (name !== current.name) throw new Error(`</${name}> closes <${current.name}>`);
      current = current.parent as XmlNode;
      continue;
    }
    const selfClosing = tag.endsWith("/");
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z_][\w:.-]*)/.exec(body);
    if (!m) throw new Error(`bad tag <${tag}>`);
    const node: XmlNode = { name: m[1], attrs: {}, children: [], text: "", parent: current };
    const attrRe = /\s+([\w:.-]+)="([^"<]*)"/gy;
    let rest = body.slice(m[1].length);
    attrRe.lastIndex = 0;
    let consumed = 0;
    for (let a = attrRe.exec(rest); a; a = attrRe.exec(rest)) {
      if (a[1] in node.attrs) throw new Error(`duplicate attribute ${a[1]}`);
      node.attrs[a[1]] = decode(a[2]);
      consumed = attrRe.lastIndex;
    }
    rest = rest.slice(consumed);
    if (rest.trim() !== "") throw new Error(`bad attributes in <${tag}>`);
    current.children.push(node);
    if (!selfClosing) current = node;
  }
  if (current !== root) throw new Error(`<${current.name}> not closed`);
  if (root.children.length !== 1) throw new Error("expected one root element");
  return root.children[0];
}

/** Every descendant (depth first) matching `pred`. */
export function findAll(node: XmlNode, pred: (n: XmlNode) => boolean): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (n: XmlNode) => {
    for (const c of n.children) {
      if (pred(c)) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

export const hasClass = (cls: string) => (n: XmlNode) =>
  (n.attrs.class ?? "").split(/\s+/).includes(cls);

/** All text inside a node, children included, without <title> tooltips. */
export function textOf(n: XmlNode): string {
  if (n.name === "title") return "";
  return n.text + n.children.map(textOf).join("");
}

/** Number printed with a typographic minus. */
export function parseNumber(s: string): number {
  return Number(s.replace(/\u2212/g, "-").replace(/,/g, ""));
}

/**
 * The axis mapping recovered from the drawing alone: tick positions (x of the tick line) against
 * the numbers printed under them (log of them for ratio axes, atanh for correlation axes on
 * Fisher's z scale). Returns value → px.
 */
export function axisFromTicks(
  svg: XmlNode,
  opts: { log?: boolean; fisherZ?: boolean; vertical?: boolean; axisClass?: string } = {},
) {
  const axes = opts.axisClass ? findAll(svg, hasClass(opts.axisClass)) : [svg];
  const ticks = findAll(axes[0], hasClass("axis-tick")).map((g) => {
    const ln = g.children.find((c) => c.name === "line") as XmlNode;
    const label = textOf(g.children.find((c) => c.name === "text") as XmlNode);
    const v = parseNumber(label);
    const px = opts.vertical ? Number(ln.attrs.y1) : Number(ln.attrs.x1);
    return { value: opts.log ? Math.log(v) : opts.fisherZ ? Math.atanh(v) : v, px };
  });
  if (ticks.length < 2) throw new Error("fewer than two ticks");
  const a = ticks[0];
  const b = ticks[ticks.length - 1];
  const k = (b.px - a.px) / (b.value - a.value);
  // Every tick must lie on the same straight line (the axis is linear in its scale).
  for (const t of ticks) {
    const expected = a.px + (t.value - a.value) * k;
    if (Math.abs(expected - t.px) > 0.6)
      throw new Error(`tick ${t.value} at ${t.px}, expected ${expected}`);
  }
  return (value: number) => a.px + (value - a.value) * k;
}

export function polygonPoints(n: XmlNode): [number, number][] {
  return n.attrs.points
    .trim()
    .split(/\s+/)
    .map((p) => p.split(",").map(Number) as [number, number]);
}
