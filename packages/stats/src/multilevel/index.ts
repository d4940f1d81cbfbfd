// Public exports of multilevel/: the three-level model (experiments nested in publications).
export { type ClusterLayout, clusterLayout } from "./clusters.js";
export {
  type MultilevelResampleOptions,
  multilevelBootstrap,
  multilevelPermutationTest,
} from "./resampling.js";
export { multilevelDefaults, rmaMultilevel } from "./rma-multilevel.js";
export type * from "./types.js";
