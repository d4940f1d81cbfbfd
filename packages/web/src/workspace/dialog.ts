/**
 * One modal dialog for the projects' questions (a new name, "delete this project?"), on the
 * page's own <dialog>: focus moves into it and back, Escape cancels, nothing is submitted.
 */
import { byId } from "../dom.js";

interface Ask {
  title: string;
  text: string;
  /** The answer is typed (a name), starting from this text; absent: a yes-or-no question. */
  value?: string;
  ok: string;
  /** A destructive action (delete): the OK button says so in red. */
  danger?: boolean;
}

const el = {
  dialog: () => byId<HTMLDialogElement>("project-dialog"),
  title: () => byId("project-dialog-title"),
  text: () => byId("project-dialog-text"),
  field: () => byId("project-dialog-field"),
  input: () => byId<HTMLInputElement>("project-dialog-input"),
  ok: () => byId<HTMLButtonElement>("project-dialog-ok"),
  cancel: () => byId<HTMLButtonElement>("project-dialog-cancel"),
};

/** Asks; resolves with the typed text (or true for a yes-or-no question), or null when cancelled. */
export function ask(question: Ask): Promise<string | true | null> {
  const dialog = el.dialog();
  const input = el.input();
  const ok = el.ok();
  const cancel = el.cancel();
  const opener = document.activeElement as HTMLElement | null;
  el.title().textContent = question.title;
  el.text().textContent = question.text;
  el.text().hidden = question.text === "";
  const typed = question.value !== undefined;
  el.field().hidden = !typed;
  input.value = question.value ?? "";
  ok.textContent = question.ok;
  ok.classList.toggle("danger", question.danger === true);
  return new Promise((resolve) => {
    const finish = (answer: string | true | null) => {
      ok.removeEventListener("click", onOk);
      cancel.removeEventListener("click", onCancel);
      input.removeEventListener("keydown", onKey);
      dialog.removeEventListener("cancel", onCancel);
      dialog.close();
      opener?.focus();
      resolve(answer);
    };
    const onOk = () => {
      if (!typed) return finish(true);
      const name = input.value.trim();
      if (name === "") {
        input.focus();
        return;
      }
      finish(name);
    };
    const onCancel = (e?: Event) => {
      e?.preventDefault();
      finish(null);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Enter") {
        e.preventDefault();
        onOk();
      }
    };
    ok.addEventListener("click", onOk);
    cancel.addEventListener("click", onCancel);
    input.addEventListener("keydown", onKey);
    dialog.addEventListener("cancel", onCancel);
    dialog.showModal();
    if (typed) {
      input.focus();
      input.select();
    } else (question.danger ? cancel : ok).focus();
  });
}
