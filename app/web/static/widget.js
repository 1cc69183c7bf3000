// <embassy-letter campaign="ID" [api="https://…"] [lang="de"]>: a letter to the Russian
// embassy that serves where the person is, sent from their own mail or by the platform.
// No dependencies, no build step. Nothing about the person is stored in the browser.
(() => {
  "use strict";
  if (customElements.get("embassy-letter")) return;

  const SCRIPT = document.currentScript;
  const ORIGIN = SCRIPT ? new URL(SCRIPT.src, location.href).origin : location.origin;
  const LINKS = ["mailto", "gmail", "outlook", "yahoo"];
  const EDIT_DELAY_MS = 400;
  const STATS_EVERY_MS = 60000;
  const REASONS = { "embassy in your country": "reason_resident", "chosen by the sender": "reason_chosen" };

  // h("p", {class: "hint"}, "text", child): elements built from data, never from HTML text.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key in el && typeof value !== "string") el[key] = value;
      else el.setAttribute(key, value === true ? "" : value);
    }
    el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
    return el;
  }

  // The lines under the closing: what the letter is signed with, as the embassy reads it.
  function signatureOf(body) {
    const paragraphs = body.replace(/\r\n/g, "\n").trim().split("\n\n");
    const lines = paragraphs[paragraphs.length - 1].split("\n");
    return (lines.length > 1 ? lines.slice(1) : lines).join("\n");
  }

  function withoutBody(url) {
    return url.replace(/([?&])body=[^&]*(&|$)/, (_, lead, tail) => (tail ? lead : ""));
  }

  function idempotencyKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16)).join("");
  }

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
      this.status = status;
      this.problem = problem || {};
    }
  }

  class EmbassyLetter extends HTMLElement {
    connectedCallback() {
      if (this._started) return;
      this._started = true;
      this.api = (this.getAttribute("api") || ORIGIN).replace(/\/+$/, "");
      this.state = { coords: null, guess: null, embassyId: null, signature: "full" };
      this.start().catch(() => {
        // Scripts run but the service cannot be reached: whatever the page put inside the
        // element (the embed page's plain form) stays in place and keeps working.
      });
    }

    disconnectedCallback() {
      clearInterval(this._statsTimer);
    }

    async request(method, path, body, headers) {
      const response = await fetch(this.api + path, {
        method,
        headers: { Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!response.ok) {
        const problem = await response.json().catch(() => null);
        throw new ApiError(response.status, problem);
      }
      return response;
    }

    async json(method, path, body, headers) {
      const response = await this.request(method, path, body, headers);
      return response.status === 204 ? null : response.json();
    }

    async start() {
      const id = encodeURIComponent(this.getAttribute("campaign") || "");
      // The campaign's title and summary come in the best of the person's languages.
      const preferred = this.preferredLanguages().filter(Boolean).join(", ");
      const [config, campaign, css] = await Promise.all([
        this.json("GET", "/widget/config.json"),
        this.json("GET", `/v1/campaigns/${id}`, null, preferred ? { "Accept-Language": preferred } : {}),
        fetch(`${this.api}/static/widget.css`).then((r) => (r.ok ? r.text() : "")),
      ]);
      this.config = config;
      this.campaign = campaign;
      this.lang = this.pickLanguage();
      this.strings = config.messages[this.lang] || config.messages.en;
      const root = this.shadowRoot || this.attachShadow({ mode: "open" });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
      const typed = this.typedSoFar();
      this.replaceChildren(); // the no-JavaScript form gives way to the widget
      root.replaceChildren(this.build());
      this.el.name.value = typed.name;
      this.el.place.value = typed.place;
      if (this.el.note) this.el.note.value = typed.note;
      this.setAttribute("data-ready", "");
      this.dispatchEvent(new CustomEvent("embassy-letter-ready", { bubbles: true }));
      this.guessPlace();
      this.refreshStats();
      this._statsTimer = setInterval(() => this.refreshStats(), STATS_EVERY_MS);
    }

    // What the person may have typed into the plain form before the script took over.
    typedSoFar() {
      const value = (name) => {
        const field = this.querySelector(`[name="${name}"]`);
        return field ? field.value : "";
      };
      return { name: value("name"), place: value("place"), note: value("personal_note") };
    }

    // The element's `lang`, else the page's, else the browser's languages, in that order.
    preferredLanguages() {
      const page = this.closest("[lang]");
      return [this.getAttribute("lang"), page && page.getAttribute("lang"), ...(navigator.languages || [])];
    }

    pickLanguage() {
      const offered = this.campaign.languages.filter((l) => this.config.languages.includes(l));
      for (const tag of this.preferredLanguages()) {
        const primary = (tag || "").toLowerCase().split(/[-_]/)[0];
        if (offered.includes(primary)) return primary;
      }
      return offered.includes(this.campaign.default_language) ? this.campaign.default_language : "en";
    }

    t(key, values) {
      const text = this.strings[key] || this.config.messages.en[key] || key;
      return text.replace(/\{([a-z_]+)\}/g, (m, name) => (values && name in values ? String(values[name]) : m));
    }

    // ---- the skeleton: who and where, the live region, the result ----
    build() {
      const t = (k, v) => this.t(k, v);
      const hasNote = this.campaign.fields.some((f) => f.name === "personal_note");
      this.el = {};
      const e = this.el;
      e.name = h("input", { id: "w-name", type: "text", autocomplete: "name", required: true, maxlength: "100" });
      e.place = h("input", { id: "w-place", type: "text", autocomplete: "address-level2", maxlength: "100",
        "aria-describedby": "w-place-hint", oninput: () => this.placeTyped() });
      e.placeHint = h("p", { class: "hint", id: "w-place-hint" }, t("place_hint"));
      e.locate = h("button", { type: "button", id: "w-locate", onclick: () => this.useLocation() }, t("use_location"));
      e.note = hasNote ? h("textarea", { id: "w-note", rows: "3", maxlength: "1000" }) : null;
      e.write = h("button", { type: "submit", class: "primary", id: "w-write" }, t("write"));
      e.status = h("div", { class: "status", role: "status", "aria-live": "polite", id: "w-status" });
      e.counter = h("p", { class: "counter", hidden: true, "aria-live": "polite", id: "w-counter" });
      e.result = h("section", { id: "w-result", hidden: true, "aria-labelledby": "w-goes-to" });
      const form = h("form", { novalidate: true, onsubmit: (ev) => { ev.preventDefault(); this.write(); } },
        h("div", { class: "field" }, h("label", { for: "w-name" }, t("name")), e.name),
        h("div", { class: "field" }, h("label", { for: "w-place" }, t("place")), e.place, e.placeHint),
        h("div", { class: "row" }, e.locate),
        e.note && h("div", { class: "field" }, h("label", { for: "w-note" }, t("personal_note")), e.note),
        h("div", { class: "row" }, e.write));
      return h("div", { class: "el", lang: this.lang },
        h("h2", {}, this.campaign.title),
        h("p", { class: "summary" }, this.campaign.summary),
        e.counter, form, e.status, e.result);
    }

    say(text) {
      // Cleared first so that the same sentence twice is announced twice.
      this.el.status.textContent = "";
      requestAnimationFrame(() => { this.el.status.textContent = text; });
    }

    invalid(input, message) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
      this.say(message);
    }

    async guessPlace() {
      try {
        const near = await this.json("GET", "/v1/embassies/nearest?limit=1");
        const where = near.location;
        if (!where.city || this.el.place.value || this.state.coords) return;
        this.state.guess = { city: where.city, country: where.country };
        this.el.place.value = where.city;
        this.el.placeHint.textContent = this.t("place_guess", { place: `${where.city}, ${where.country}` });
      } catch {
        // No guess (a private address, an unknown one): the person types their town.
      }
    }

    placeTyped() {
      this.state.guess = null;
      this.state.coords = null;
      this.state.embassyId = null;
      this.el.place.removeAttribute("aria-invalid");
      this.el.placeHint.textContent = this.t("place_hint");
    }

    useLocation() {
      // The browser is asked only here, on the person's own click.
      if (!navigator.geolocation) return this.say(this.t("location_failed"));
      this.say(this.t("locating"));
      navigator.geolocation.getCurrentPosition(
        (position) => {
          // About 100 m is enough to choose an embassy; the exact point is never sent.
          const round = (x) => Math.round(x * 1000) / 1000;
          this.state.coords = { lat: round(position.coords.latitude), lon: round(position.coords.longitude) };
          this.state.guess = null;
          this.state.embassyId = null;
          this.el.place.value = "";
          this.el.placeHint.textContent = this.t("location_used");
          this.say(this.t("location_used"));
        },
        () => this.say(this.t("location_failed")),
        { maximumAge: 600000, timeout: 20000 },
      );
    }

    // ---- composing ----
    composeBody(edits) {
      const s = this.state;
      const sender = { name: this.el.name.value.trim() };
      const place = this.el.place.value.trim();
      if (place && !s.coords) sender.city = place;
      if (s.guess && place === s.guess.city) sender.country = s.guess.country;
      const body = { campaign_id: this.campaign.id, language: this.lang, sender, signature: s.signature };
      if (s.coords) body.location = s.coords;
      if (s.embassyId) body.embassy_id = s.embassyId;
      const note = this.el.note && this.el.note.value.trim();
      if (note) body.personal_note = note;
      if (edits && this.campaign.editable && this.el.subject) {
        if (this.el.subject.value.trim() !== this.rendered.subject) body.subject = this.el.subject.value;
        if (this.el.body.value.trim() !== this.rendered.body) body.body = this.el.body.value;
      }
      return body;
    }

    async write() {
      const e = this.el;
      for (const input of [e.name, e.place]) input.removeAttribute("aria-invalid");
      if (!e.name.value.trim()) return this.invalid(e.name, this.t("need_name"));
      if (!e.place.value.trim() && !this.state.coords) return this.invalid(e.place, this.t("need_place"));
      e.write.disabled = true;
      this.say(this.t("composing"));
      try {
        const answer = await this.json("POST", "/v1/letters/compose", this.composeBody(false));
        this.rendered = { subject: answer.subject, body: answer.body };
        this.show(answer);
        this.say(this.t("letter_ready", { city: answer.embassy.city }));
        this.el.goesTo.focus();
      } catch (error) {
        this.failed(error);
      } finally {
        e.write.disabled = false;
      }
    }

    failed(error) {
      const field = error.problem && error.problem.errors && error.problem.errors[0];
      if (field && /location|sender\.city|^q$/.test(field.field)) return this.invalid(this.el.place, this.t("failed", { detail: field.message }));
      this.say(this.t("failed", { detail: error.message }));
    }

    // The person changed the letter: the links follow, a moment after the typing stops.
    edited() {
      this.stale = true;
      this.sendKey = null;
      this.updateSees();
      clearTimeout(this._editTimer);
      this._editTimer = setTimeout(() => this.refresh(), EDIT_DELAY_MS);
    }

    refresh() {
      clearTimeout(this._editTimer);
      if (!this._refreshing) {
        this._refreshing = (async () => {
          try {
            while (this.stale) {
              this.stale = false;
              this.answer = await this.json("POST", "/v1/letters/compose", this.composeBody(true));
              this.renderActions();
            }
          } catch (error) {
            this.failed(error);
          } finally {
            this._refreshing = null;
          }
        })();
      }
      return this._refreshing;
    }

    async setSignature(style) {
      this.state.signature = style;
      this.sendKey = null;
      try {
        const fresh = await this.json("POST", "/v1/letters/compose", this.composeBody(false));
        const body = this.el.body;
        if (body && body.value.trim() !== this.rendered.body) {
          // Their own text: swap the signature lines if they are still there, else keep it.
          const old = signatureOf(this.rendered.body);
          const at = body.value.lastIndexOf(old);
          if (at >= 0) body.value = body.value.slice(0, at) + signatureOf(fresh.body) + body.value.slice(at + old.length);
          else this.say(this.t("signature_kept"));
          this.rendered = { subject: fresh.subject, body: fresh.body };
          this.stale = true;
          await this.refresh();
        } else {
          this.rendered = { subject: fresh.subject, body: fresh.body };
          if (body) body.value = fresh.body;
          if (this.el.subject && this.el.subject.value.trim() === this.rendered.subject) this.el.subject.value = fresh.subject;
          this.answer = fresh;
          this.renderActions();
        }
        this.updateSees();
      } catch (error) {
        this.failed(error);
      }
    }

    // ---- the result: embassy, letter, what the embassy sees, the ways to send ----
    show(answer) {
      const t = (k, v) => this.t(k, v);
      const e = this.el;
      this.answer = answer;
      this.stale = false;
      this.sendKey = null;
      this._sendSection = null;
      e.fromLine = null;
      e.goesTo = h("h3", { id: "w-goes-to", tabindex: "-1" }, t("goes_to"));
      const embassy = answer.embassy;
      const letter = this.campaign.editable ? this.editableLetter(answer) : [
        h("h4", {}, answer.subject),
        h("div", { class: "letter-fixed", id: "w-letter" }, answer.body),
        h("p", { class: "hint" }, t("letter_fixed")),
      ];
      e.sees = h("div", { class: "sees", id: "w-sees" });
      e.actions = h("div", { id: "w-actions" });
      e.result.replaceChildren(
        e.goesTo,
        h("p", { class: "embassy", id: "w-embassy", "data-embassy-id": embassy.id }, `${embassy.name}, ${embassy.city}`),
        h("p", { class: "reason", id: "w-reason" }, `${t("why")} ${this.reasonText(answer.reason)}`),
        ...letter, e.sees, e.actions);
      e.result.hidden = false;
      this.renderSees();
      this.renderActions();
    }

    // The policy's reasons are English sentences; the common ones are said in the UI's words.
    reasonText(reason) {
      const key = REASONS[reason];
      return key ? this.t(key) : reason;
    }

    editableLetter(answer) {
      const e = this.el;
      const t = (k) => this.t(k);
      e.subject = h("input", { id: "w-subject", type: "text", maxlength: "200", value: answer.subject, oninput: () => this.edited() });
      e.body = h("textarea", { id: "w-body", class: "body", rows: "16", maxlength: "8000", "aria-describedby": "w-body-hint", oninput: () => this.edited() });
      e.body.value = answer.body;
      return [
        h("div", { class: "field" }, h("label", { for: "w-subject" }, t("subject")), e.subject),
        h("div", { class: "field" }, h("label", { for: "w-body" }, t("letter")), e.body,
          h("p", { class: "hint", id: "w-body-hint" }, t("letter_editable"))),
      ];
    }

    letterText() {
      const subject = this.el.subject ? this.el.subject.value.trim() : this.answer.subject;
      const body = this.el.body ? this.el.body.value.replace(/\r\n/g, "\n").trim() : this.answer.body;
      return `${subject}\n\n${body}`;
    }

    renderSees() {
      const t = (k, v) => this.t(k, v);
      const style = this.state.signature;
      const radio = (value, label) => h("label", {},
        h("input", { type: "radio", name: "w-signature", value, checked: style === value,
          onchange: () => this.setSignature(value) }), label);
      this.el.seesTo = h("dd", { id: "w-sees-to" });
      this.el.seesSig = h("dd", { id: "w-sees-signature" });
      this.el.sees.replaceChildren(
        h("h4", {}, t("sees")),
        h("dl", {},
          h("dt", {}, t("to")), this.el.seesTo,
          h("dt", {}, t("signature")), this.el.seesSig),
        h("fieldset", { class: "choice" }, h("legend", {}, t("sign_as")),
          radio("full", t("signature_full")), radio("initials", t("signature_initials"))));
      this.updateSees();
    }

    updateSees() {
      const answer = this.answer;
      this.el.seesTo.textContent = answer.to.length ? answer.to.join(", ") : `${answer.embassy.name}\n${answer.embassy.address || answer.embassy.city}`;
      this.el.seesSig.textContent = signatureOf(this.el.body ? this.el.body.value : answer.body);
      if (this.el.fromLine) this.updateFrom();
    }

    renderActions() {
      const answer = this.answer;
      const parts = answer.to.length ? this.mailActions(answer) : this.otherWays(answer);
      // A re-render after an edit keeps the send form as typed: only the links change.
      if (answer.to.length && this.canSend(answer)) parts.push(this._sendSection || this.sendSection());
      this.el.actions.replaceChildren(...parts);
      if (this.el.fromLine) this.updateFrom();
    }

    mailActions(answer) {
      const t = (k, v) => this.t(k, v);
      const tooLong = new Set(answer.warnings.filter((w) => w.code === "link_too_long").flatMap((w) => w.links));
      const buttons = LINKS.filter((name) => answer.links[name]).map((name) => {
        const webmail = name !== "mailto";
        return h("a", { class: "button", href: answer.links[name], "data-link": name,
          target: webmail ? "_blank" : null, rel: webmail ? "noopener" : null,
          "aria-describedby": tooLong.has(name) ? "w-too-long" : null,
          onclick: (ev) => this.openLink(ev, name, tooLong.has(name)) },
        t(name === "mailto" ? "mail_app" : name), tooLong.has(name) ? " *" : "",
        webmail ? h("span", { class: "sr" }, ` ${t("new_window")}`) : null);
      });
      buttons.push(h("button", { type: "button", "data-action": "copy", onclick: () => this.copyLetter(t("copied", { to: answer.to.join(", ") })) }, t("copy_letter")));
      return [
        h("h4", {}, t("send_yourself")),
        ...this.datedNotice(answer),
        tooLong.size ? h("p", { class: "notice", id: "w-too-long" }, t("too_long")) : null,
        h("div", { class: "row links" }, buttons),
      ].filter(Boolean);
    }

    // An address whose newest source is old: said plainly, with the ways that do not need it.
    datedNotice(answer) {
      if (!answer.warnings.some((w) => w.code === "email_dated")) return [];
      const t = (k, v) => this.t(k, v);
      const address = answer.to[0];
      const year = ((answer.embassy.email_dates || {})[address] || "").slice(0, 4);
      const platform = answer.send_by_platform || {};
      return [
        h("p", { class: "notice", id: "w-dated" }, t("email_dated", { address, year }),
          platform.reason === "email_dated" ? ` ${t("dated_no_platform")}` : "", ` ${t("dated_ways")}`),
        ...this.wayItems(answer),
      ];
    }

    async openLink(event, name, tooLong) {
      if (!this.stale && !this._refreshing && !tooLong) return this.reported(name);
      // Stale links (typing not yet sent) or a letter too long for one link: take over.
      event.preventDefault();
      const popup = name === "mailto" ? null : window.open("", "_blank");
      if (popup) popup.opener = null;
      if (this.stale || this._refreshing) await this.refresh();
      const answer = this.answer;
      let url = answer.links[name];
      const stillTooLong = answer.warnings.some((w) => w.code === "link_too_long" && w.links.includes(name));
      if (stillTooLong && answer.fallback) {
        const copied = await this.copy(answer.fallback.text);
        this.say(copied ? this.t("too_long_done") : this.t("copy_failed"));
        url = name === "mailto" ? answer.fallback.mailto : withoutBody(url);
      }
      this.reported(name);
      if (popup) popup.location.href = url;
      else location.href = url;
    }

    reported(channel) {
      if (!this.config.reporting) return;
      const body = { campaign_id: this.campaign.id, embassy_id: this.answer.embassy.id, channel };
      this.request("POST", "/v1/letters/reported", body).catch(() => {});
    }

    async copy(text) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        // Older browsers, or a frame without clipboard permission.
        const area = h("textarea", { class: "sr", readonly: true });
        area.value = text;
        this.shadowRoot.append(area);
        area.select();
        let done = false;
        try { done = document.execCommand("copy"); } catch { done = false; }
        area.remove();
        return done;
      }
    }

    async copyLetter(message) {
      if (this.stale) await this.refresh();
      this.say((await this.copy(this.letterText())) ? message : this.t("copy_failed"));
    }

    // ---- no e-mail on file: only the ways the compose answer says exist ----
    otherWays(answer) {
      const bounced = answer.warnings.some((w) => w.code === "email_bounced");
      return [h("p", { class: "notice", id: "w-no-email" }, this.t(bounced ? "email_bounced" : "no_email")),
        ...this.wayItems(answer)];
    }

    wayItems(answer) {
      const t = (k, v) => this.t(k, v);
      const ways = answer.other_ways;
      const post = ways.find((w) => w.kind === "post" && w.address);
      const site = ways.find((w) => w.kind === "website" && w.url);
      const items = [];
      if (ways.some((w) => w.kind === "pdf")) {
        items.push(h("div", { class: "row" }, h("button", { type: "button", "data-way": "pdf", onclick: (ev) => this.downloadPdf(ev.currentTarget) }, t("pdf"))));
      }
      if (post) items.push(h("p", {}, h("strong", {}, t("post_to")), " ", h("span", { class: "address", id: "w-address" }, post.address)));
      if (site) {
        items.push(h("div", { class: "row" }, h("button", { type: "button", "data-way": "website", onclick: () => this.openWebsite(site.url) }, t("website"),
          h("span", { class: "sr" }, ` ${t("new_window")}`))));
      }
      for (const way of ways.filter((w) => w.kind === "mission_email" && w.embassy_id)) {
        items.push(h("div", { class: "row" }, h("button", { type: "button", "data-way": "mission", "data-embassy-id": way.embassy_id,
          onclick: () => this.writeThrough(way.embassy_id) }, t("other_mission", { name: way.name || way.embassy_id, city: way.city || "" }))));
      }
      return items;
    }

    async downloadPdf(button) {
      button.disabled = true;
      try {
        if (this.stale) await this.refresh();
        const response = await this.request("POST", "/v1/letters/pdf", this.composeBody(true));
        const blob = await response.blob();
        const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
        const url = URL.createObjectURL(blob);
        const link = h("a", { href: url, download: named ? named[1] : "letter.pdf", hidden: true });
        this.shadowRoot.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        this.say(this.t("pdf_done"));
      } catch (error) {
        this.failed(error);
      } finally {
        button.disabled = false;
      }
    }

    async openWebsite(url) {
      const popup = window.open("", "_blank");
      if (popup) popup.opener = null;
      const copied = await this.copy(this.letterText());
      this.say(copied ? this.t("website_done") : this.t("copy_failed"));
      if (popup) popup.location.href = url;
      else window.open(url, "_blank", "noopener");
    }

    async writeThrough(embassyId) {
      this.state.embassyId = embassyId;
      await this.write();
    }

    // ---- "send it for me": the platform sends, after the person confirms by e-mail ----
    canSend(answer) {
      // The compose answer says beforehand whether the platform would send this letter
      // (not to a dated address off the ministry's domain, nor to one that bounced).
      const possible = !answer || !answer.send_by_platform || answer.send_by_platform.possible;
      return Boolean(this.config.sending && this.campaign.platform_send && possible);
    }

    sendSection() {
      const t = (k, v) => this.t(k, v);
      const e = this.el;
      e.email = h("input", { id: "w-email", type: "email", autocomplete: "email", required: true,
        oninput: () => { e.email.removeAttribute("aria-invalid"); this.sendKey = null; this.updateFrom(); } });
      e.consent = h("input", { id: "w-consent", type: "checkbox", required: true, onchange: () => e.consent.removeAttribute("aria-invalid") });
      e.cc = h("input", { id: "w-cc", type: "checkbox" });
      e.fromLine = h("dd", { id: "w-from" });
      e.replyTo = h("dd", { id: "w-reply-to" });
      e.send = h("button", { type: "submit", class: "primary", id: "w-send" }, t("send_for_me"));
      this._sendSection = h("form", { id: "w-send-form", novalidate: true, "aria-labelledby": "w-send-title",
        onsubmit: (ev) => { ev.preventDefault(); this.send(); } },
      h("h4", { id: "w-send-title" }, t("send_for_me")),
      h("p", { class: "hint" }, t("send_intro")),
      h("div", { class: "field" }, h("label", { for: "w-email" }, t("email")), e.email),
      h("dl", { class: "sees" }, h("dt", {}, t("from")), e.fromLine, h("dt", {}, t("reply_to")), e.replyTo),
      e.fromHint = h("p", { class: "hint", id: "w-from-hint", hidden: true }, t("from_name_hint")),
      h("label", { class: "check", for: "w-consent" }, e.consent, t("consent")),
      h("label", { class: "check", for: "w-cc" }, e.cc, t("cc_me")),
      h("div", { class: "row" }, e.send));
      this.updateFrom();
      return this._sendSection;
    }

    updateFrom() {
      const name = this.el.name.value.trim();
      this.el.fromLine.textContent = `"${name} via ${this.config.from_name}" <${this.config.from_email}>`;
      this.el.replyTo.textContent = this.el.email.value.trim() || this.t("email");
      this.el.fromHint.hidden = this.state.signature !== "initials";
    }

    async send() {
      const e = this.el;
      if (!e.email.value.trim() || !e.email.checkValidity()) return this.invalid(e.email, this.t("need_email"));
      if (!e.consent.checked) return this.invalid(e.consent, this.t("need_consent"));
      e.send.disabled = true;
      this.say(this.t("sending"));
      try {
        if (this.stale) await this.refresh();
        const body = this.composeBody(true);
        body.sender.email = e.email.value.trim();
        body.consent = true;
        if (e.cc.checked) body.cc_sender = true;
        this.sendKey = this.sendKey || idempotencyKey();
        await this.json("POST", "/v1/letters", body, { "Idempotency-Key": this.sendKey });
        const done = h("p", { class: "done", id: "w-sent", tabindex: "-1" }, this.t("check_inbox", { email: body.sender.email }));
        this._sendSection.replaceChildren(done);
        this.say(done.textContent);
        done.focus();
        this.refreshStats();
      } catch (error) {
        e.send.disabled = false;
        this.say(this.t("failed", { detail: error.message }));
      }
    }

    // ---- the live counter: hidden where the service has no public stats ----
    async refreshStats() {
      if (document.hidden && this._statsShown) return;
      try {
        const stats = await this.json("GET", `/v1/campaigns/${encodeURIComponent(this.campaign.id)}/stats`);
        const count = Number(stats.sent || 0);
        this.el.counter.textContent = this.t("counter", { count: count.toLocaleString(this.lang) });
        this.el.counter.hidden = false;
        this._statsShown = true;
      } catch (error) {
        if (error.status === 404 || error.status === 405) clearInterval(this._statsTimer);
        this.el.counter.hidden = !this._statsShown;
      }
    }
  }

  window.EmbassyLetter = EmbassyLetter;
  customElements.define("embassy-letter", EmbassyLetter);
})();
