/**
 * The Columns panel: which column feeds each input field, as detected or chosen; a choice
 * re-reads the data with it.
 */
import type { InputField } from "@pooled/pipeline";
import type { ColumnOverrides } from "../api.js";
import { fillSelect, h } from "../dom.js";
import { store } from "../store.js";
import { MAPPABLE_FIELDS } from "../view/columns.js";
import { reload } from "./data.js";
import { el } from "./elements.js";

/** The field → column choices, from the mapping the read gave. */
export function renderColumns(mapping: Partial<Record<InputField, string>>): void {
  const options = [
    { value: "", label: "(not used)" },
    ...store.get().headers.map((c) => ({ value: c, label: c })),
  ];
  el.columnsGrid.replaceChildren(
    ...MAPPABLE_FIELDS.map(({ field, label }) => {
      const id = `col-${field}`;
      const select = h("select", { id, "data-field": field });
      fillSelect(select, options, mapping[field] ?? "");
      return h("div", { class: "field" }, h("label", { for: id }, label), select);
    }),
  );
  el.columnsPanel.hidden = false;
}

/** The reader's column choices as the engine takes them (null: not used). */
export function columnOverrides(): ColumnOverrides {
  const out: ColumnOverrides = {};
  for (const select of Array.from(
    el.columnsGrid.querySelectorAll<HTMLSelectElement>("select[data-field]"),
  )) {
    out[select.dataset["field"] as InputField] = select.value === "" ? null : select.value;
  }
  return out;
}

export function wireColumnsPanel(): void {
  el.columnsGrid.addEventListener("change", reload);
}
