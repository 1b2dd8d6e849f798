// The session's glossary: a TSV, CSV or TBX file read in the browser and sent with every translation; after
// one, which of its terms the translation used.

const $ = (id) => document.getElementById(id);
const STORE = "bayling-local.glossary";

export class Glossary {
  constructor(page) {
    this.page = page;
    const saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
    this.text = saved?.text || "";
    this.name = saved?.name || "";
    $("glossary-input").addEventListener("change", () => this.load());
    $("glossary-clear").addEventListener("click", () => this.set("", ""));
    this.status();
  }

  async load() {
    const file = $("glossary-input").files[0];
    if (!file) return;
    const text = await file.text();
    if (!text.trim()) {
      this.page.error(`${file.name} is empty: a glossary has a header row of languages, then one term a line.`);
      return;
    }
    this.set(file.name, text);
  }

  set(name, text) {
    this.name = name;
    this.text = text;
    if (text) sessionStorage.setItem(STORE, JSON.stringify({ name, text }));
    else sessionStorage.removeItem(STORE);
    if (!text) $("glossary-input").value = "";
    $("terms-used").replaceChildren();
    this.status();
  }

  status() {
    const lines = this.text.trim() ? this.text.trim().split("\n").length : 0;
    $("glossary-status").textContent = this.text
      ? `Using ${this.name} (${lines} line${lines === 1 ? "" : "s"}).`
      : "No glossary.";
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
