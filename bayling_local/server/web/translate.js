// The text tab: a translation streamed segment by segment (drafts as they are generated, replaced by each
// segment's checked text), the detected language, the glossary terms used, copy and character count.

import { events, request } from "./api.js";
import { AUTO, applyDirection, language } from "./languages.js";

const $ = (id) => document.getElementById(id);

export class TextTab {
  constructor(page) {
    this.page = page;
    this.controller = null;
    this.detectTimer = 0;
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

  showDetected(found, confidence) {
    $("detected").textContent = found ? `Detected: ${found.name} (${Math.round(confidence)}%)` : "";
    if (found && $("source-lang").value === AUTO) applyDirection($("source-text"), found.code);
    this.detectedCode = found?.code || null;
  }

  detectSoon() {
    clearTimeout(this.detectTimer);
    if ($("source-lang").value !== AUTO) return;
    this.detectTimer = setTimeout(() => this.detect(), 600);
  }

  async detect() {
    const text = $("source-text").value.trim();
    if (!text || $("source-lang").value !== AUTO) return this.showDetected(null);
    try {
      const answer = await (await request("/detect", { method: "POST", json: { q: text } })).json();
      const best = answer[0];
      this.showDetected(best ? language(best.language) : null, best?.confidence || 0);
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
    const controller = new AbortController();
    this.controller = controller;
    this.page.clearError();
    this.busy(true);
    $("target-text").value = "";
    $("translation-status").textContent = "Translating…";
    const pieces = [];
    try {
      const response = await request("/api/translate", {
        method: "POST",
        json: { q: text, ...this.page.settings() },
        signal: controller.signal,
      });
      for await (const event of events(response)) this.take(event, pieces);
    } catch (error) {
      if (error.name === "AbortError") $("translation-status").textContent = "Stopped.";
      else {
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
    } else if (event.event === "draft") {
      pieces[event.index] = (pieces[event.index] || "") + event.text;
      shown.value = pieces.join("\n");
    } else if (event.event === "segment") {
      pieces[event.index] = event.translation;
      shown.value = pieces.join("\n");
    } else if (event.event === "done") {
      shown.value = event.translatedText;
      $("translation-status").textContent = "Done.";
      if (event.detectedLanguage) {
        this.showDetected(language(event.detectedLanguage.code), event.detectedLanguage.confidence);
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
        item.textContent = `Line ${problem.index + 1}: the translation still fails the ${problem.check} check; check it before use.`;
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
    for (const select of [source, target]) select.dispatchEvent(new Event("change"));
    this.showDetected(null);
    this.counted();
  }
}
