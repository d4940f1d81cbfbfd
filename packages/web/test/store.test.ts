/**
 * The page's store (src/store.ts): an update merges its patch and tells, at once and in the order
 * they subscribed, the listeners of the keys it names, which is how the page renders after every
 * change of what it shows and never after a change of what it only keeps.
 */
import { describe, expect, it } from "vitest";
import { createStore, INITIAL_PAGE_STATE, VIEW_KEYS } from "../src/store.js";
import { INITIAL_STATE } from "../src/view/state.js";

describe("the page's store", () => {
  it("merges a patch into the state", () => {
    const store = createStore({ a: 1, b: "x" });
    store.update({ a: 2 });
    expect(store.get()).toEqual({ a: 2, b: "x" });
    store.update({ b: "y" });
    expect(store.get()).toEqual({ a: 2, b: "y" });
  });

  it("tells the listeners of the keys a patch names, synchronously and in order", () => {
    const store = createStore({ a: 1, b: 1, c: 1 });
    const calls: string[] = [];
    store.subscribe(["a"], (s) => calls.push(`a:${s.a}`));
    store.subscribe(["a", "b"], (s) => calls.push(`ab:${s.a},${s.b}`));
    store.update({ c: 2 });
    expect(calls).toEqual([]);
    store.update({ a: 2 });
    expect(calls).toEqual(["a:2", "ab:2,1"]);
    store.update({ b: 3, c: 3 });
    expect(calls).toEqual(["a:2", "ab:2,1", "ab:2,3"]);
  });

  it("tells them even when the value is unchanged (every update of the view renders)", () => {
    const store = createStore({ a: 1 });
    let calls = 0;
    store.subscribe(["a"], () => calls++);
    store.update({ a: 1 });
    store.update({ a: 1 });
    expect(calls).toBe(2);
  });

  it("stops telling a listener once it unsubscribes, also during an update", () => {
    const store = createStore({ a: 1 });
    const calls: string[] = [];
    const stop = store.subscribe(["a"], () => {
      calls.push("first");
      stop();
    });
    store.subscribe(["a"], () => calls.push("second"));
    store.update({ a: 2 });
    store.update({ a: 3 });
    expect(calls).toEqual(["first", "second", "second"]);
  });

  it("starts the page empty, and renders on the keys of view/state.ts's AppState only", () => {
    expect(INITIAL_PAGE_STATE).toMatchObject(INITIAL_STATE);
    expect(INITIAL_PAGE_STATE).toMatchObject({
      source: null,
      table: null,
      headers: [],
      pendingSettings: null,
      shownSource: null,
    });
    expect([...VIEW_KEYS].sort()).toEqual(Object.keys(INITIAL_STATE).sort());
  });
});
