// The session's glossary: a TSV, CSV or TBX file read in the browser and sent with every translation; after
// one, which of its terms the translation used.

import { request } from "./api.js";

const $ = (id) => document.getElementById(id);
const STORE = "bayling-local.glossary";
const MAX_BYTES = 256 * 1024; // it travels with each request, whose body the server takes up to 1 MiB

export class Glossary {
  constructor(page) {
    this.page = page;
    const saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
    this.text = saved?.text || "";
    this.name = saved?.name || "";
    this.checked = saved?.checked || null;
    $("glossary-input").addEventListener("change", () => this.load());
    $("glossary-clear").addEventListener("click", () => this.set("", ""));
    this.status();
  }

  async load() {
    const file = $("glossary-input").files[0];
    if (!file) return;
    if (file.size > MAX_BYTES) {
      this.page.error(
        `${file.name} is ${Math.round(file.size / 1024)} KiB: the page sends its glossary with every request, up to ` +
          `${MAX_BYTES / 1024} KiB. For larger ones use bayling-local translate --glossary.`,
      );
      $("glossary-input").value = "";
      return;
    }
    const text = await file.text();
    if (!text.trim()) {
      this.page.error(`${file.name} is empty: a glossary has a header row of languages, then one term a line.`);
      return;
    }
    try {
      const { source, target } = this.page.settings();
      const answer = await request("/api/glossary", { method: "POST", json: { glossary: text, source, target } });
      this.checked = await answer.json();
    } catch (error) {
      this.page.error(`${file.name} cannot be used as a glossary: ${error.message}`);
      $("glossary-input").value = "";
      return;
    }
    this.page.clearError();
    this.set(file.name, text);
  }

  set(name, text) {
    this.name = name;
    this.text = text;
    try {
      if (text) sessionStorage.setItem(STORE, JSON.stringify({ name, text, checked: this.checked }));
      else sessionStorage.removeItem(STORE);
    } catch {
      // storage full or off: the glossary still works until the page is reloaded
    }
    if (!text) {
      $("glossary-input").value = "";
      this.checked = null;
    }
    $("terms-used").replaceChildren();
    this.status();
  }

  status() {
    const found = this.checked;
    const what = found
      ? `${found.terms} term${found.terms === 1 ? "" : "s"}${found.languages.length ? `: ${found.languages.join(", ")}` : ""}`
      : "kept for this session";
    $("glossary-status").textContent = this.text ? `Using ${this.name} (${what}).` : "No glossary.";
    if (found?.notice) $("glossary-status").textContent += ` ${found.notice}`;
    $("glossary-clear").hidden = !this.text;
  }

  showUsed(terms) {
    const items = (terms || []).map((term) => {
      const item = document.createElement("li");
      const all = term.used === term.seen;
      item.className = all ? "used" : "missed";
      const mark = all ? "✓" : "✗";
      const target = term.target && term.target !== term.source ? ` → ${term.target}` : " (kept)";
      item.textContent = `${mark} ${term.source}${target}: used ${term.used} of ${term.seen}`;
      return item;
    });
    $("terms-used").replaceChildren(...items);
    if (items.length) $("glossary-box").open = true;
  }
}
