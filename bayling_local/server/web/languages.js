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
  return text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase().trim();
}

function fill(select, list, withAuto) {
  const options = [];
  if (withAuto) options.push(new Option("Detect language", AUTO));
  for (const item of list) {
    const label = item.native && item.native !== item.name ? `${item.name} · ${item.native}` : item.name;
    const option = new Option(`${label} (${item.code})`, item.code);
    option.lang = item.libre;
    options.push(option);
  }
  select.replaceChildren(...options);
}

/** How well a language matches what was typed, 0 best, Infinity not at all: a code or a name the server
 * resolves ("farsi", "pt", "العربية"), then names beginning with it, then words beginning with it, then
 * anywhere ("pt" must not pick a language because "script" contains it). */
function rank(item, query) {
  if (!query) return 0;
  const aliases = item.aliases.map(fold);
  if (aliases.includes(query)) return 0;
  const names = [fold(item.name), fold(item.native)];
  if (names.some((name) => name.startsWith(query))) return 1;
  if (aliases.some((alias) => alias.startsWith(query))) return 2;
  if (names.some((name) => name.split(/[\s(),-]+/).some((word) => word.startsWith(query)))) return 3;
  if ([...names, ...aliases].some((name) => name.includes(query))) return 4;
  return Infinity;
}

function searchable(select, search, hint) {
  let before = select.value; // what was chosen when the search began: back to it when nothing matches
  search.addEventListener("focus", () => {
    before = select.value;
  });
  search.addEventListener("input", () => {
    const query = fold(search.value);
    let best = null;
    let bestRank = Infinity;
    for (const option of select.options) {
      const item = byCode.get(option.value);
      const score = item ? rank(item, query) : option.value === AUTO && !query ? 0 : Infinity;
      option.hidden = score === Infinity && option.value !== AUTO;
      if (item && score < bestRank) [best, bestRank] = [option, score];
    }
    hint.textContent = query && !best ? `No language matches "${search.value.trim()}".` : "";
    const wanted = query && best ? best.value : before;
    if (select.value !== wanted) {
      select.value = wanted;
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
  searchable(source, sourceSearch, document.getElementById("source-search-hint"));
  searchable(target, targetSearch, document.getElementById("target-search-hint"));
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
