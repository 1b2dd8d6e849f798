// The documents tab: upload, a progress bar while the server translates, then a download link named as the
// original file plus the target's code.

import { request } from "./api.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 400;
const JOB = "bayling-local.file-job";

export class FilesTab {
  constructor(page) {
    this.page = page;
    this.job = null;
    $("file-translate-button").addEventListener("click", () => this.start());
    $("file-cancel-button").addEventListener("click", () => this.cancel());
  }

  accept(extensions) {
    $("file-input").accept = extensions.join(",");
  }

  async start() {
    const file = $("file-input").files[0];
    if (!file) {
      this.page.error("Choose a document to translate first.");
      return;
    }
    this.page.clearError();
    this.reset();
    const form = new FormData();
    form.append("file", file, file.name);
    for (const [name, value] of Object.entries(this.page.settings())) if (value) form.append(name, value);
    this.busy(true);
    this.upload = new AbortController();
    $("file-status").textContent = `Uploading ${file.name}…`;
    try {
      const started = await request("/api/files", { method: "POST", form, signal: this.upload.signal });
      this.job = await started.json();
      sessionStorage.setItem(JOB, JSON.stringify({ id: this.job.id }));
      await this.follow(this.job.id);
    } catch (error) {
      $("file-status").textContent = error.name === "AbortError" ? "Cancelled." : "";
      if (error.name !== "AbortError") this.page.error(error.message);
    } finally {
      this.finish();
    }
  }

  finish() {
    this.busy(false);
    this.job = null;
    this.upload = null;
    sessionStorage.removeItem(JOB);
  }

  /** A job still running when the page was reloaded is followed again. */
  async resume() {
    const saved = JSON.parse(sessionStorage.getItem(JOB) || "null");
    if (!saved) return;
    this.job = { id: saved.id };
    this.busy(true);
    try {
      await this.follow(saved.id);
    } catch {
      $("file-status").textContent = ""; // gone (the server restarted): nothing to resume
    } finally {
      this.finish();
    }
  }

  async follow(id) {
    for (;;) {
      const job = await (await request(`/api/files/${id}`)).json();
      this.show(job);
      if (job.status === "done") return this.offer(job);
      if (job.status === "cancelled") {
        $("file-status").textContent = "Cancelled.";
        $("file-progress").hidden = true;
        return;
      }
      if (job.status !== "running") {
        $("file-status").textContent = "";
        this.page.error(job.error || `The translation ${job.status}.`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  show(job) {
    const bar = $("file-progress");
    bar.hidden = false;
    bar.max = Math.max(job.total, 1);
    bar.value = job.total ? job.done : job.status === "done" ? 1 : 0;
    const count = `${job.total} segment${job.total === 1 ? "" : "s"}`;
    $("file-status").textContent =
      job.status !== "done"
        ? `Translating ${job.name}: ${job.done} of ${job.total} segments…`
        : job.total
          ? `Translated ${job.name}: ${count}.`
          : `Nothing to translate in ${job.name}: it is unchanged.`;
    if (job.notice) $("file-status").textContent += ` ${job.notice}`;
  }

  async offer(job) {
    const blob = await (await request(job.download_url)).blob();
    const link = $("file-download");
    if (link.href) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(blob);
    link.download = job.download_name;
    link.textContent = `Download ${job.download_name}`;
    link.hidden = false;
    this.page.glossary.showUsed(job.terms || []);
    if (job.problems.length) {
      const places = job.problems.slice(0, 5).map((p) => `${p.location} (${p.check})`).join(", ");
      const more = job.problems.length > 5 ? ` and ${job.problems.length - 5} more` : "";
      $("file-status").textContent += ` Review ${places}${more}: the translation there still fails a check.`;
    }
    link.focus();
  }

  async cancel() {
    if (!this.job) {
      this.upload?.abort(); // still uploading (or waiting for the model): nothing runs yet
      return;
    }
    try {
      await request(`/api/files/${this.job.id}`, { method: "DELETE" });
    } catch (error) {
      this.page.error(error.message);
    }
  }

  reset() {
    const link = $("file-download");
    link.hidden = true;
    $("file-progress").hidden = true;
  }

  busy(on) {
    $("file-translate-button").disabled = on;
    $("file-cancel-button").hidden = !on;
  }
}
