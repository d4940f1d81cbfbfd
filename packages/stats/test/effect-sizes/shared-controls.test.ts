/**
 * Shared control arms (shared/METHODS.md, "Shared control groups"): one control group compared
 * with K treatment groups has its n divided by K (CAMARADES; Cochrane Handbook) so that its animals
 * count once in total, and the split is reported.
 */
import { describe, expect, it } from "vitest";
import { escalc, PooledInputErrors, splitSharedControls } from "../../src/index.js";

describe("splitSharedControls", () => {
  const data = {
    labels: ["Dose 1", "Dose 2", "Dose 3", "Other"],
    m1i: [14, 16, 18, 12],
    sd1i: [3, 3.5, 2.8, 4],
    n1i: [6, 6, 5, 8],
    m2i: [10, 10, 10, 11],
    sd2i: [3.2, 3.2, 3.2, 3.9],
    n2i: [10, 10, 10, 8],
  };

  it("divides the shared n by K (kept fractional) and records what was done", () => {
    const result = splitSharedControls(data, ["C1", "C1", "C1", null]);
    expect(result.data.n2i).toEqual([10 / 3, 10 / 3, 10 / 3, 8]);
    expect(result.splits).toEqual([
      {
        controlGroupId: "C1",
        k: 3,
        studies: ["Dose 1", "Dose 2", "Dose 3"],
        indices: [0, 1, 2],
        originalN: 10,
        newN: 10 / 3,
      },
    ]);
    expect(result.notes[0]).toContain('Control group "C1" (n = 10) is shared by 3 comparisons');
    expect(result.notes[0]).toContain("3.33");
    expect(data.n2i).toEqual([10, 10, 10, 8]); // input untouched
    // The split data go straight into escalc; the control animals now count once in total.
    const split = escalc("MD", result.data);
    const direct = escalc("MD", { ...data, n2i: [10 / 3, 10 / 3, 10 / 3, 8] });
    expect(split.vi).toEqual(direct.vi);
  });

  it("leaves unshared and single-member groups alone", () => {
    const result = splitSharedControls(data, ["A", "B", "", undefined]);
    expect(result.data.n2i).toEqual(data.n2i);
    expect(result.splits).toEqual([]);
    expect(result.notes).toEqual([]);
  });

  it("reports inconsistent control arms and splits that leave fewer than 2 animals", () => {
    let caught: PooledInputErrors | undefined;
    try {
      splitSharedControls({ ...data, m2i: [10, 10.5, 10, 11], n2i: [10, 10, 10, 3] }, [
        "C1",
        "C1",
        "C1",
        "C2",
      ]);
    } catch (error) {
      caught = error as PooledInputErrors;
    }
    expect(caught).toBeInstanceOf(PooledInputErrors);
    expect(caught!.errors.map((e) => `${e.location.study}:${e.location.field}`)).toEqual([
      "Dose 2:m2i",
    ]);

    const tooSmall = () =>
      splitSharedControls({ ...data, n2i: [3, 3, 10, 8] }, ["C", "C", null, null]);
    expect(tooSmall).toThrow(/combine the treatment arms/);
    expect(() => splitSharedControls(data, ["C1"])).toThrow(/controlGroupIds/);
  });
});
