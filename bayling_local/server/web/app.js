// The page: wires the tabs, the language and model pickers, the key dialog and the error banner.

import { apiKey, onKeyNeeded, request, setApiKey } from "./api.js";
import { ChatTab } from "./chat.js";
import { FilesTab } from "./files.js";
import { Glossary } from "./glossary.js";
import { setLanguages, setupPickers } from "./languages.js";
import { TextTab } from "./translate.js";

const $ = (id) => document.getElementById(id);

class Page {
  constructor() {
    this.glossary = new Glossary(this);
    this.text = new TextTab(this);
    this.files = new FilesTab(this);
    this.chat = new ChatTab(this);
    $("error-close").addEventListener("click", () => this.clearError());
    $("swap-button").addEventListener("click", () => this.text.swap());
    $("key-button").addEventListener("click", async () => {
      if (await this.askKey("Enter the server's API key.")) {
        this.clearError();
        await this.models().catch((error) => this.error(error.message));
      }
    });
    $("model-select").addEventListener("change", () =>
      sessionStorage.setItem("bayling-local.model", $("model-select").value),
    );
    onKeyNeeded(() =>
      this.askKey(apiKey() ? "That key was not accepted. Enter the server's API key." : "This server needs an API key."),
    );
    this.tabs();
  }

  async start() {
    try {
      const [languages, settings] = await Promise.all([
        (await request("/api/languages")).json(),
        (await request("/frontend/settings")).json(),
      ]);
      setLanguages(languages);
      setupPickers($("source-lang"), $("source-search"), $("target-lang"), $("target-search"), languages);
      for (const id of ["source-lang", "target-lang"]) {
        $(id).addEventListener("change", () => {
          this.text.directions();
          this.text.detectSoon();
          this.text.languagesChanged();
        });
      }
      this.text.directions();
      this.files.accept(settings.supportedFilesFormat || []);
      this.files.resume();
      if (settings.keyRequired && !apiKey() && !(await this.askKey("This server needs an API key."))) {
        this.error("This server needs an API key: choose API key (top right) to give it.");
        return this.health();
      }
      await this.models();
    } catch (error) {
      this.error(error.message);
    }
    this.health();
  }

  async models() {
    const answer = await (await request("/v1/models")).json();
    const select = $("model-select");
    const kept = sessionStorage.getItem("bayling-local.model");
    select.replaceChildren(...answer.data.map((model) => new Option(model.id, model.id)));
    if (kept && answer.data.some((model) => model.id === kept)) select.value = kept;
  }

  modelInUse(name) {
    $("server-status").textContent = `Ready: ${name}`;
  }

  /** The server's state, checked every few seconds for as long as the page is open. */
  async health() {
    for (;;) {
      let wait = 5000;
      try {
        const response = await fetch("/health");
        const body = await response.json();
        if (response.ok) {
          $("server-status").textContent = `Ready: ${body.models.join(", ")}`;
        } else {
          $("server-status").textContent = body.error ? `Model failed to load: ${body.error}` : "Loading the model…";
          wait = 1000;
        }
      } catch {
        $("server-status").textContent = "The server is not answering (stopped?)";
        wait = 2000;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** What every translation request carries besides its text. */
  settings() {
    const chosen = {
      source: $("source-lang").value,
      target: $("target-lang").value,
      model: $("model-select").value || undefined,
    };
    if (this.glossary.text) chosen.glossary = this.glossary.text;
    return chosen;
  }

  error(message) {
    $("error-text").textContent = message;
    $("error-banner").hidden = false;
  }

  clearError() {
    $("error-banner").hidden = true;
    $("error-text").textContent = "";
  }

  askKey(reason) {
    // Several requests refused at once share one dialog.
    this.pendingKey ||= this.showKeyDialog(reason).finally(() => {
      this.pendingKey = null;
    });
    return this.pendingKey;
  }

  showKeyDialog(reason) {
    const dialog = $("key-dialog");
    $("key-reason").textContent = reason;
    $("api-key-input").value = apiKey();
    dialog.showModal();
    $("api-key-input").focus();
    return new Promise((resolve) => {
      const done = (given) => {
        $("api-key-save").removeEventListener("click", save);
        $("api-key-cancel").removeEventListener("click", cancel);
        $("api-key-input").removeEventListener("keydown", enter);
        dialog.removeEventListener("cancel", cancel);
        dialog.close();
        resolve(given);
      };
      const save = () => {
        setApiKey($("api-key-input").value.trim());
        done(Boolean(apiKey()));
      };
      const cancel = () => done(false);
      const enter = (event) => {
        if (event.key === "Enter") {
          event.preventDefault(); // else the Enter also presses the button that opened the dialog
          save();
        }
      };
      $("api-key-save").addEventListener("click", save);
      $("api-key-cancel").addEventListener("click", cancel);
      $("api-key-input").addEventListener("keydown", enter);
      dialog.addEventListener("cancel", cancel);
    });
  }

  /** Tabs as the ARIA pattern has them: arrow keys move between them, one panel shown. */
  tabs() {
    const tabs = [...document.querySelectorAll('[role="tab"]')];
    const select = (chosen) => {
      for (const tab of tabs) {
        const on = tab === chosen;
        tab.setAttribute("aria-selected", String(on));
        tab.tabIndex = on ? 0 : -1;
        $(tab.getAttribute("aria-controls")).hidden = !on;
      }
      $("languages").hidden = chosen.id === "tab-chat"; // a chat has no languages to pick
      chosen.focus();
    };
    for (const tab of tabs) {
      tab.addEventListener("click", () => select(tab));
      tab.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (step) select(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]);
      });
    }
  }
}

new Page().start();
