// The two language pickers: native <select>s whose values are FLORES-200 codes, each with a search box
// that narrows the list by code, English name or native name (accents and case ignored).

export const AUTO = "auto";
const STORE = "bayling-local.languages";

let byCode = new Map();
let byLibre = new Map();

export function setLanguages(list) {
  byCode = new Map(list.map((language) => [language.code, language]));
  byLibre = new Map(list.map((language) => [language.libre, language]));
}

export function language(code) {
  return byCode.get(code) || byLibre.get(code) || null;
}

function fold(text) {
  return text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();
}

function fill(select, list, withAuto) {
  const options = [];
  if (withAuto) options.push(new Option("Detect language", AUTO));
  for (const item of list) {
    const label = item.native && item.native !== item.name ? `${item.name} · ${item.native}` : item.name;
    const option = new Option(`${label} (${item.code})`, item.code);
    option.dataset.search = fold(`${item.code} ${item.libre} ${item.name} ${item.native}`);
    option.lang = item.libre;
    options.push(option);
  }
  select.replaceChildren(...options);
}

function searchable(select, search) {
  search.addEventListener("input", () => {
    const words = fold(search.value).split(/\s+/).filter(Boolean);
    let first = null;
    for (const option of select.options) {
      const shown = option.value === AUTO ? !words.length : words.every((w) => option.dataset.search.includes(w));
      option.hidden = !shown;
      if (shown && option.value !== AUTO && !first) first = option;
    }
    if (words.length && first && select.selectedOptions[0]?.hidden !== false) {
      select.value = first.value;
      select.dispatchEvent(new Event("change"));
    }
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      select.focus();
    }
  });
}

/** Fill both pickers, restore the last choice (else detect -> the browser's language), remember changes. */
export function setupPickers(source, sourceSearch, target, targetSearch, list) {
  fill(source, list, true);
  fill(target, list, false);
  searchable(source, sourceSearch);
  searchable(target, targetSearch);
  const saved = JSON.parse(localStorage.getItem(STORE) || "{}");
  source.value = language(saved.source) ? saved.source : AUTO;
  const browser = language((navigator.language || "en").split("-")[0].toLowerCase());
  target.value = language(saved.target)?.code || browser?.code || "eng_Latn";
  const remember = () =>
    localStorage.setItem(STORE, JSON.stringify({ source: source.value, target: target.value }));
  source.addEventListener("change", remember);
  target.addEventListener("change", remember);
}

/** Text areas follow their language's direction; an unknown one (detect) follows the text itself. */
export function applyDirection(textarea, code) {
  const found = language(code);
  textarea.dir = found ? (found.rtl ? "rtl" : "ltr") : "auto";
  if (found) textarea.lang = found.libre;
  else textarea.removeAttribute("lang");
}
