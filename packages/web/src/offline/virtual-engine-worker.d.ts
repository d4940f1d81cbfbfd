/** The engine worker's bundle, deflated (raw DEFLATE) and in base64, embedded by build.mjs. */
declare module "virtual:engine-worker" {
  const packedWorker: string;
  export default packedWorker;
}
