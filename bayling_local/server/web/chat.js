// The chat tab: a conversation with the selected model, streamed from /v1/chat/completions.

import { events, request } from "./api.js";

const $ = (id) => document.getElementById(id);

export class ChatTab {
  constructor(page) {
    this.page = page;
    this.messages = [];
    this.controller = null;
    $("chat-send").addEventListener("click", () => this.send());
    $("chat-stop").addEventListener("click", () => this.controller?.abort());
    $("chat-clear").addEventListener("click", () => {
      this.controller?.abort();
      this.controller = null;
      this.busy(false);
      this.messages = [];
      $("chat-log").replaceChildren();
      $("chat-input").focus();
    });
    $("chat-input").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        this.send();
      }
    });
  }

  bubble(role, text) {
    const item = document.createElement("div");
    item.className = `message ${role}`;
    item.dir = "auto";
    item.textContent = text;
    $("chat-log").append(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  async send() {
    const text = $("chat-input").value.trim();
    if (!text || this.controller) return;
    this.page.clearError();
    $("chat-input").value = "";
    const conversation = this.messages; // "New conversation" while this streams starts another array
    conversation.push({ role: "user", content: text });
    this.bubble("user", text);
    const answer = this.bubble("assistant", "");
    const controller = new AbortController();
    this.controller = controller;
    this.busy(true);
    try {
      const { model } = this.page.settings();
      const response = await request("/v1/chat/completions", {
        method: "POST",
        json: { model, messages: conversation, stream: true },
        signal: controller.signal,
      });
      for await (const chunk of events(response)) {
        if (chunk.error) throw new Error(chunk.error.message);
        answer.textContent += chunk.choices?.[0]?.delta?.content || "";
      }
    } catch (error) {
      if (error.name !== "AbortError") {
        this.page.error(error.message);
        if (!answer.textContent && conversation.at(-1)?.content === text) {
          conversation.pop(); // not answered: the next message is not sent with it
          answer.previousElementSibling?.classList.add("failed");
        }
      }
    } finally {
      if (answer.textContent) conversation.push({ role: "assistant", content: answer.textContent });
      else answer.remove();
      if (this.controller === controller) {
        this.controller = null;
        this.busy(false);
        $("chat-status").textContent = answer.textContent ? "Answer received." : "";
      }
    }
  }

  busy(on) {
    $("chat-send").disabled = on;
    $("chat-stop").hidden = !on;
  }
}
