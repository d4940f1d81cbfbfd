/** The example data set, inlined at build time by build.mjs (null when examples/ has none). */
declare module "virtual:example" {
  const example: {
    name: string;
    text: string;
    prisma: { name: string; text: string } | null;
  } | null;
  export default example;
}
