// The text tab: a translation streamed segment by segment (drafts as they are generated, replaced by each
// segment's checked text), the detected language, the glossary terms used, copy and character count.

import { events, request } from "./api.js";
import { AUTO, applyDirection, language } from "./languages.js";

const $ = (id) => document.getElementById(id);

// What each output check (translation.checks) means to a reader.
const PROBLEMS = {
  markers: "the formatting marks were lost",
  empty: "the model gave no translation",
  "prompt-example": "the model answered with an example sentence instead",
  echo: "the text came back untranslated",
  "wrong-script": "the translation is not in the target language's script",
  "low-coverage": "the translation seems to leave part of the text out",
  "too-long": "the translation is much longer than the text",
  terms: "some glossary terms are missing",
  commentary: "the model added comments of its own",
};

export class TextTab {
  constructor(page) {
    this.page = page;
    this.controller = null;
    this.detectTimer = 0;
    this.detectRound = 0;
    $("translate-button").addEventListener("click", () => this.translate());
    $("stop-button").addEventListener("click", () => this.controller?.abort());
    $("copy-button").addEventListener("click", () => this.copy());
    $("clear-button").addEventListener("click", () => {
      $("source-text").value = "";
      $("target-text").value = "";
      this.counted();
      $("source-text").focus();
    });
    $("source-text").addEventListener("input", () => {
      this.counted();
      this.detectSoon();
    });
    $("source-text").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.translate();
      }
    });
  }

  counted() {
    const count = [...$("source-text").value].length;
    $("char-count").textContent = `${count} character${count === 1 ? "" : "s"}`;
  }

  directions() {
    if ($("source-lang").value !== AUTO) this.showDetected(null);
    applyDirection($("source-text"), $("source-lang").value);
    applyDirection($("target-text"), $("target-lang").value);
  }

  showDetected(found, confidence, others = []) {
    // A guess below half is no detection: say so, with the best guesses, and let the user choose.
    const sure = found && confidence >= 50;
    const guesses = [found, ...others].filter(Boolean).slice(0, 3).map((l, i) => `${l.name} ${Math.round(i ? l.confidence : confidence)}%`);
    $("detected").textContent = !found
      ? ""
      : sure
        ? `Detected: ${found.name} (${Math.round(confidence)}%)`
        : `Not sure which language this is (${guesses.join(", ")}): choose it in From.`;
    if (found && $("source-lang").value === AUTO) applyDirection($("source-text"), found.code);
    this.detectedCode = found?.code || null;
  }

  detectSoon() {
    clearTimeout(this.detectTimer);
    this.detectRound += 1; // an answer to an older question is dropped
    if ($("source-lang").value !== AUTO) return;
    this.detectTimer = setTimeout(() => this.detect(this.detectRound), 600);
  }

  async detect(round) {
    const text = $("source-text").value.trim();
    if (!text || $("source-lang").value !== AUTO) return this.showDetected(null);
    try {
      const answer = await (await request("/detect", { method: "POST", json: { q: text } })).json();
      if (round !== this.detectRound || $("source-lang").value !== AUTO) return;
      const [best, ...rest] = answer;
      const others = rest.map((r) => ({ ...language(r.language), confidence: r.confidence })).filter((l) => l.name);
      this.showDetected(best ? language(best.language) : null, best?.confidence || 0, others);
    } catch {
      // detection as one types is a hint: the translation reports its own errors
    }
  }

  async translate() {
    const text = $("source-text").value;
    if (!text.trim()) {
      this.page.error("Type or paste a text to translate first.");
      return;
    }
    this.controller?.abort();
    clearTimeout(this.detectTimer);
    this.detectRound += 1;
    const controller = new AbortController();
    this.controller = controller;
    const current = () => this.controller === controller; // a newer translation owns the page
    this.page.clearError();
    this.busy(true);
    $("target-text").value = "";
    $("translation-status").textContent = "Translating…";
    this.problems([]);
    this.page.glossary.showUsed([]);
    const pieces = [];
    try {
      const response = await request("/api/translate", {
        method: "POST",
        json: { q: text, ...this.page.settings() },
        signal: controller.signal,
      });
      for await (const event of events(response)) {
        if (!current()) break;
        this.take(event, pieces);
      }
    } catch (error) {
      if (!current()) return;
      if (error.name === "AbortError") {
        $("translation-status").textContent = $("target-text").value
          ? "Stopped: the translation shown is unfinished and unchecked."
          : "Stopped.";
      } else {
        $("translation-status").textContent = "";
        this.page.error(error.message);
      }
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        this.busy(false);
      }
    }
  }

  take(event, pieces) {
    const shown = $("target-text");
    if (event.event === "start") {
      this.page.modelInUse(event.model);
      if (event.notice) this.page.error(event.notice);
    } else if (event.event === "draft") {
      pieces[event.index] = (pieces[event.index] || "") + event.text;
      shown.value = pieces.join("\n");
      shown.scrollTop = shown.scrollHeight; // follow the text as it comes
    } else if (event.event === "segment") {
      pieces[event.index] = event.translation;
      shown.value = pieces.join("\n");
    } else if (event.event === "done") {
      shown.value = event.translatedText;
      $("translation-status").textContent = "Done.";
      if (event.detectedLanguage) {
        this.showDetected(language(event.detectedLanguage.code), event.detectedLanguage.confidence);
      }
      const from = event.detectedLanguage?.confidence >= 50 ? event.detectedLanguage.code : $("source-lang").value;
      if (from === event.target) {
        $("translation-status").textContent = `The text is already in ${language(from).name}: choose another language in To.`;
      }
      this.page.glossary.showUsed(event.terms);
      this.problems(event.problems);
    } else if (event.event === "error") {
      $("translation-status").textContent = "";
      this.page.error(event.message);
    }
  }

  problems(list) {
    const box = $("problems");
    box.replaceChildren(
      ...list.map((problem) => {
        const item = document.createElement("li");
        item.textContent = `Line ${problem.index + 1}: ${PROBLEMS[problem.check] || `fails the ${problem.check} check`}; check it before use.`;
        return item;
      }),
    );
    box.hidden = !list.length;
  }

  busy(on) {
    $("translate-button").disabled = on;
    $("translate-button").textContent = on ? "Translating…" : "Translate";
    $("stop-button").hidden = !on;
    $("target-text").setAttribute("aria-busy", String(on));
  }

  async copy() {
    const text = $("target-text").value;
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      $("target-text").select();
      document.execCommand("copy");
    }
    $("translation-status").textContent = "Copied.";
  }

  /** A new language pair: a translation on screen is made again for it (the old one is not left there). */
  languagesChanged() {
    if (!this.swapping && $("target-text").value && $("source-text").value.trim()) this.translate();
  }

  /** Swap: the detected language counts as the source; the translation becomes the text to translate. */
  swap() {
    const source = $("source-lang");
    const target = $("target-lang");
    const from = source.value === AUTO ? this.detectedCode : source.value;
    if (!from) {
      this.page.error("Choose the source language (or translate once so it is detected) before swapping.");
      return;
    }
    source.value = target.value;
    target.value = from;
    const translation = $("target-text").value;
    if (translation) {
      $("target-text").value = $("source-text").value;
      $("source-text").value = translation;
    }
    this.swapping = true; // the swapped texts are each other's translation: nothing to translate again
    for (const select of [source, target]) select.dispatchEvent(new Event("change"));
    this.swapping = false;
    this.showDetected(null);
    this.counted();
  }
}
