/** Bad input to escalc: typed errors naming study and field, every problem reported at once. */
import { describe, expect, it } from "vitest";
import { escalc, type Measure, PooledInputError, PooledInputErrors } from "../../src/index.js";

/** Runs fn, expects PooledInputErrors, returns its errors as [study, field] pairs. */
function problemsOf(fn: () => unknown): { study?: string; field: string; message: string }[] {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PooledInputErrors);
  const errors = (caught as PooledInputErrors).errors;
  for (const e of errors) expect(e).toBeInstanceOf(PooledInputError);
  return errors.map((e) => ({
    study: e.location.study,
    field: e.location.field,
    message: e.message,
  }));
}

const good = {
  labels: ["Smith 2001", "Jones 2003", "Lee 2010"],
  m1i: [10, 12, 9],
  sd1i: [2, 3, 1.5],
  n1i: [8, 9, 6],
  m2i: [8, 11, 7],
  sd2i: [2.5, 2.8, 1.9],
  n2i: [8, 10, 6],
};

describe("escalc validation", () => {
  it("reports n < 2, SD <= 0 (including 0), non-finite and missing values together", () => {
    const bad = {
      ...good,
      n1i: [1, 9, 6],
      sd1i: [2, 0, 1.5],
      sd2i: [2.5, 2.8, -1],
      m1i: [10, Number.NaN, 9],
      m2i: [8, 11, Number.POSITIVE_INFINITY],
      n2i: [8, null, 6],
    };
    const problems = problemsOf(() => escalc("SMD", bad));
    expect(problems.map((p) => `${p.study}:${p.field}`).sort()).toEqual(
      [
        "Smith 2001:n1i",
        "Jones 2003:sd1i",
        "Lee 2010:sd2i",
        "Jones 2003:m1i",
        "Lee 2010:m2i",
        "Jones 2003:n2i",
      ].sort(),
    );
    const n1 = problems.find((p) => p.field === "n1i")!;
    expect(n1.message).toContain('study "Smith 2001", field "n1i"');
    expect(n1.message).toContain("at least 2");
    expect(problems.find((p) => p.field === "n2i")!.message).toContain("missing");
  });

  it("every measure on arm summaries checks the same fields", () => {
    for (const measure of ["MD", "SMD", "SMDH", "ROM", "NMD"] as Measure[]) {
      const problems = problemsOf(() =>
        escalc(measure, { ...good, msi: [20, 20, 20], sd2i: [0, 2.8, 1.9] }),
      );
      expect(problems.map((p) => p.field)).toEqual(["sd2i"]);
    }
  });

  it("names a missing column and a column of the wrong length", () => {
    const { sd2i: _omit, ...noSd2 } = good;
    const problems = problemsOf(() => escalc("MD", { ...noSd2, n2i: [8, 10] }));
    expect(problems.map((p) => p.field).sort()).toEqual(["n2i", "n2i", "sd2i"]);
    expect(problems.find((p) => p.field === "sd2i")!.message).toContain("a column of 3 values");
  });

  it("ROM needs positive means", () => {
    const problems = problemsOf(() =>
      escalc("ROM", { ...good, m1i: [10, 0, 9], m2i: [8, 11, -7] }),
    );
    expect(problems.map((p) => `${p.study}:${p.field}`)).toEqual([
      "Jones 2003:m1i",
      "Lee 2010:m2i",
    ]);
    expect(problems[0].message).toContain("> 0");
  });

  it("NMD needs the sham mean, different from the control mean", () => {
    expect(problemsOf(() => escalc("NMD", good)).map((p) => p.field)).toEqual(["msi"]);
    const problems = problemsOf(() => escalc("NMD", { ...good, msi: [20, 11, null] }));
    expect(problems.map((p) => `${p.study}:${p.field}`)).toEqual([
      "Lee 2010:msi",
      "Jones 2003:msi",
    ]);
    expect(problems[1].message).toContain("different from the control mean");
  });

  it("GEN: vi <= 0, sei <= 0, neither given, inconsistent vi and sei", () => {
    const problems = problemsOf(() =>
      escalc("GEN", {
        labels: ["a", "b", "c", "d", "e"],
        yi: [0.1, 0.2, 0.3, Number.NaN, 0.5],
        vi: [0, null, null, 0.01, 0.04],
        sei: [null, -0.1, null, null, 0.3],
      }),
    );
    expect(problems.map((p) => `${p.study}:${p.field}`).sort()).toEqual(
      ["a:vi", "b:sei", "c:vi", "d:yi", "e:sei"].sort(),
    );
    expect(problemsOf(() => escalc("GEN", { yi: [0.1] })).map((p) => p.field)).toEqual(["vi"]);
  });

  it("rejects options a measure does not offer, and unknown measures", () => {
    expect(problemsOf(() => escalc("ROM", good, { vtype: "UB" }))[0].field).toBe("options.vtype");
    // LS2 is ROM's (Lajeunesse 2015, eq. 9), not the SMD's: Pooled has no Borenstein SMD variance.
    expect(problemsOf(() => escalc("SMD", good, { vtype: "LS2" }))[0].field).toBe("options.vtype");
    expect(problemsOf(() => escalc("SMDH", good, { vtype: "LS2" }))[0].field).toBe("options.vtype");
    expect(problemsOf(() => escalc("SMD", good, { legacySmdhVariance: true }))[0].field).toBe(
      "options.legacySmdhVariance",
    );
    expect(escalc("SMD", good, { legacySmdhVariance: false }).options).toEqual({
      vtype: "LS",
      correctBias: true,
    });
    expect(problemsOf(() => escalc("SMD", good, { vtype: "XX" as never }))[0].field).toBe(
      "options.vtype",
    );
    expect(problemsOf(() => escalc("SMD", good, { correctBias: false }))[0].field).toBe(
      "options.correctBias",
    );
    expect(problemsOf(() => escalc("MD", good, { correctBias: true }))[0].field).toBe(
      "options.correctBias",
    );
    expect(problemsOf(() => escalc("IRR" as Measure, good))[0].field).toBe("measure");
  });

  it("never returns NaN or a zero variance: overflow is an error naming the study", () => {
    const huge = { ...good, sd1i: [1e200, 3, 1.5], n1i: [8, 9, 6] };
    const problems = problemsOf(() => escalc("MD", huge));
    expect(problems.map((p) => `${p.study}:${p.field}`)).toEqual(["Smith 2001:vi"]);
  });
});
