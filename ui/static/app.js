() => {
  // The chat page's behaviour. The server renders every answer (ui/render.py); this script sends questions to
  // the `/turn` endpoint, keeps the conversation in localStorage, and moves between the answer and the cited
  // clause with browser history entries.
  const STORE = "assistant.chat.v1:" + document.title;
  const MAX_HISTORY = 6; // earlier turns sent for follow-ups; the server keeps as many
  const api = (name) => new URL("gradio_api/call/" + name, location.href.split(/[?#]/)[0]).href;
  const anchorId = (id) => "clause-" + id.replace(/[^A-Za-z0-9_\/.-]/g, "-");
  const $ = (id) => document.getElementById(id);

  let turns = [];
  let busy = false;
  let opener = null; // the citation that opened the report pane, to return focus to
  const pristine = new Map(); // report clause id -> its unmarked block, while an answer's marked copy is shown

  // ------------------------------------------------------------ server calls

  async function call(name, data) {
    const post = await fetch(api(name), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ data }),
    });
    if (!post.ok) throw new Error("HTTP " + post.status);
    const { event_id } = await post.json();
    const stream = await fetch(api(name) + "/" + event_id);
    if (!stream.ok) throw new Error("HTTP " + stream.status);
    const text = await stream.text();
    let event = null;
    for (const line of text.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:") && event === "complete") return JSON.parse(line.slice(5))[0];
      else if (line.startsWith("data:") && event === "error") throw new Error("the server failed");
    }
    throw new Error("no answer in the response");
  }

  // ------------------------------------------------------------ storage

  function save() {
    try { localStorage.setItem(STORE, JSON.stringify(turns.filter((t) => t.status !== "pending"))); } catch (e) { /* full or blocked */ }
  }
  function load() {
    try { const data = JSON.parse(localStorage.getItem(STORE) || "[]"); return Array.isArray(data) ? data : []; } catch (e) { return []; }
  }

  // ------------------------------------------------------------ drawing

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function drawTurn(turn, index) {
    const box = el("div", "turn");
    box.dataset.turn = String(index);
    box.appendChild(el("p", "user-question", turn.question));
    const bot = el("div", "bot");
    if (turn.status === "pending") {
      bot.appendChild(el("p", "pending", "Looking in the report…"));
      bot.setAttribute("aria-busy", "true");
    } else if (turn.status === "error") {
      const wrap = el("div", "answer error");
      wrap.appendChild(el("p", "", turn.error));
      const retry = el("button", "retry", "Retry");
      retry.type = "button";
      retry.dataset.action = "retry";
      wrap.appendChild(retry);
      bot.appendChild(wrap);
    } else {
      bot.innerHTML = turn.html; // built by ui/render.py, every text escaped there
      if (turn.saved) bot.appendChild(el("p", "turn-status", turn.saved));
    }
    box.appendChild(bot);
    return box;
  }

  function draw() {
    const log = $("transcript");
    if (!log) return;
    log.replaceChildren();
    if (!turns.length) {
      log.appendChild(el("p", "placeholder", "Ask about the report; answers cite the clauses they rest on."));
    }
    turns.forEach((turn, i) => log.appendChild(drawTurn(turn, i)));
    openLatestSources();
  }

  // The latest answer's sources are open on wide screens; on a phone they stay one tap away under the answer.
  function openLatestSources() {
    const all = document.querySelectorAll("#transcript .turn-sources");
    if (all.length) all[all.length - 1].open = !matchMedia("(max-width: 760px)").matches;
  }

  function redrawTurn(index) {
    const old = document.querySelector(`#transcript .turn[data-turn="${index}"]`);
    if (old) old.replaceWith(drawTurn(turns[index], index)); else draw();
    if (index === turns.length - 1) openLatestSources();
  }

  function setBusy(on) {
    busy = on;
    for (const node of document.querySelectorAll("#question-input, #ask, #scope, .example, #transcript [data-action]")) {
      node.disabled = on;
    }
    $("app") && $("app").setAttribute("aria-busy", on ? "true" : "false");
  }

  function notice(text) {
    const box = $("notice");
    if (box) box.textContent = text || ""; // one notice, replaced, never stacked
  }

  // ------------------------------------------------------------ asking

  function historyBefore(index) {
    return turns.slice(0, index).filter((t) => t.status === "done").slice(-MAX_HISTORY).map((t) => ({
      question: t.question,
      cited: [...new Set((t.answer.citations || []).map((c) => c.clause_id))],
    }));
  }

  async function run(index) {
    const turn = turns[index];
    turn.status = "pending";
    redrawTurn(index);
    setBusy(true);
    let result;
    try {
      result = await call("turn", [turn.question, historyBefore(index), turn.scope, !!turn.standalone]);
    } catch (e) {
      result = { ok: false, error: "The answer did not arrive (" + e.message + "). Check the connection and retry.", input: false };
    }
    if (result.ok) {
      Object.assign(turn, { status: "done", answer: result.answer, html: result.html, markdown: result.markdown,
        clauses: result.clauses, scope: result.scope, saved: "" });
      notice("");
    } else if (result.input) {
      turns.splice(index, 1); // bad input is not a turn: the text stays in the box and the notice says why
      notice(result.error);
      draw();
      setBusy(false);
      save();
      return false;
    } else {
      Object.assign(turn, { status: "error", error: result.error });
    }
    redrawTurn(index);
    setBusy(false);
    save();
    return true;
  }

  async function ask(question, scope) {
    if (busy) return;
    if (!question.trim()) { notice("Please type a question first."); $("question-input").focus(); return; }
    notice("");
    turns.push({ question, scope, status: "pending" });
    const index = turns.length - 1;
    const box = $("question-input");
    const typed = box.value;
    box.value = "";
    const log = $("transcript");
    const accepted = await run(index);
    if (!accepted) box.value = typed;
    const shown = document.querySelector(`#transcript .turn[data-turn="${turns.length - 1}"]`);
    if (shown) shown.scrollIntoView({ block: "nearest" });
    if (log) log.scrollTop = log.scrollHeight;
    box.focus();
  }

  function again(index, changes) {
    if (busy) return;
    Object.assign(turns[index], changes);
    run(index).then(() => {
      const node = document.querySelector(`#transcript .turn[data-turn="${index}"] .bot`);
      const focusable = node && node.querySelector("a, button");
      if (focusable) focusable.focus();
    });
  }

  // ------------------------------------------------------------ keep and share

  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = el("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function exported() { return turns.filter((t) => t.status === "done"); }

  async function copyText(text, button) {
    const done = () => { const was = button.textContent; button.textContent = "Copied"; setTimeout(() => (button.textContent = was), 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text); done(); return; } catch (e) { /* fall through */ }
    }
    // Plain-http origins other than localhost have no Clipboard API.
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    if (document.execCommand("copy")) done();
    area.remove();
    button.focus();
  }

  // ------------------------------------------------------------ save as test case

  let saving = null; // {index, failing}

  function openSave(index, failing, trigger) {
    const dialog = $("save-dialog");
    saving = { index, failing, trigger };
    dialog.classList.toggle("bad", failing);
    $("save-title").textContent = failing ? "Wrong answer: save as a failing test case" : "Save as test case";
    dialog.querySelector(".save-question").textContent = "“" + turns[index].question + "”";
    $("save-note").value = "";
    $("save-facts").value = "";
    $("save-status").textContent = "";
    $("save-status").className = "";
    $("save-confirm").disabled = false;
    dialog.showModal();
    (failing ? $("save-note") : $("save-facts")).focus();
  }

  function closeSave() {
    const dialog = $("save-dialog");
    if (dialog.open) dialog.close();
    if (saving && saving.trigger && saving.trigger.isConnected) saving.trigger.focus();
  }

  async function confirmSave() {
    const { index, failing } = saving;
    const turn = turns[index];
    const note = $("save-note").value.trim();
    const status = $("save-status");
    if (failing && !note) { status.className = "error"; status.textContent = "Say briefly what was wrong."; $("save-note").focus(); return; }
    const history = turns.slice(0, index).filter((t) => t.status === "done").slice(-MAX_HISTORY).map((t) => t.question);
    const case_ = {
      question: turn.question,
      history,
      scope: turn.scope,
      evidence: (turn.answer.citations || []).map((c) => c.quote),
      facts: $("save-facts").value.split("\n").map((f) => f.trim()).filter(Boolean),
      answerable: !turn.answer.abstained,
      failing,
      note,
    };
    $("save-confirm").disabled = true;
    status.className = "";
    status.textContent = "Saving…";
    let result;
    try { result = await call("save_case", [case_]); } catch (e) { result = { ok: false, error: "Not saved (" + e.message + ")." }; }
    $("save-confirm").disabled = false;
    if (!result.ok) { status.className = "error"; status.textContent = result.error; return; }
    turn.saved = `Saved as test case ${result.id} in ${result.path}` + (failing ? " (marked failing)." : ".");
    save();
    closeSave();
    redrawTurn(index);
    const line = document.querySelector(`#transcript .turn[data-turn="${index}"] .turn-status`);
    const button = document.querySelector(`#transcript .turn[data-turn="${index}"] [data-action="${failing ? "bad" : "save"}"]`);
    if (button) button.focus();
    if (line) line.setAttribute("role", "status");
  }

  // ------------------------------------------------------------ the report pane

  function scroller(node) {
    for (let p = node.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (/(auto|scroll)/.test(style.overflowY) && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  }

  function markAnswer(turnIndex) {
    for (const [id, html] of pristine) {
      const node = $(anchorId(id));
      if (node) node.outerHTML = html;
    }
    pristine.clear();
    const turn = turns[turnIndex];
    for (const [id, html] of Object.entries((turn && turn.clauses) || {})) {
      const node = $(anchorId(id));
      if (!node) continue;
      pristine.set(id, node.outerHTML);
      node.outerHTML = html;
    }
  }

  function showPane(on) {
    const pane = $("report-pane");
    pane.hidden = !on;
    document.querySelector(".app-main").classList.toggle("pane-open", on);
  }

  function openClause(clauseId, turnIndex, focus) {
    const pane = $("report-pane");
    const view = $("report-view");
    view.querySelectorAll(".report-notice").forEach((n) => n.remove());
    if (turnIndex !== undefined && turnIndex !== null) markAnswer(turnIndex);
    showPane(true);
    if (!clauseId) { pane.scrollTop = 0; const body = view.querySelector(".report-body"); if (body) body.scrollTop = 0; if (focus) $("report-title").focus(); return; }
    const target = $(anchorId(clauseId));
    if (!target) {
      const msg = el("p", "report-notice", `No clause with id “${clauseId.slice(0, 200)}” in this report.`);
      msg.setAttribute("role", "alert");
      (view.querySelector(".report-body") || view).prepend(msg);
      return;
    }
    view.querySelectorAll(".clause.targeted").forEach((n) => n.classList.remove("targeted"));
    target.classList.add("targeted");
    target.tabIndex = -1;
    const box = scroller(target);
    if (box) {
      box.scrollTop += target.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 4;
    }
    const paneTop = pane.getBoundingClientRect().top;
    if (getComputedStyle(pane).position !== "fixed" && (paneTop < 0 || paneTop > innerHeight * 0.6)) window.scrollBy(0, paneTop - 16);
    if (focus) target.focus({ preventScroll: true });
  }

  function closePane() {
    showPane(false);
    if (opener && opener.isConnected) opener.focus();
    else if ($("question-input")) $("question-input").focus();
  }

  function clauseUrl(clauseId) {
    const url = new URL(location.href);
    url.search = "";
    url.hash = "";
    if (clauseId) { url.searchParams.set("clause", clauseId); url.hash = anchorId(clauseId); }
    return url.href;
  }

  function visitClause(clauseId, turnIndex, link) {
    opener = link || document.activeElement;
    const state = { view: "clause", clause: clauseId, turn: turnIndex };
    if (history.state && history.state.view === "clause") history.replaceState(state, "", clauseUrl(clauseId));
    else history.pushState(state, "", clauseUrl(clauseId));
    openClause(clauseId, turnIndex, true);
  }

  function leavePane() {
    if (history.state && history.state.view === "clause" && history.state.pushed !== false) history.back();
    else { history.replaceState({ view: "chat" }, "", clauseUrl(null)); closePane(); }
  }

  window.addEventListener("popstate", (ev) => {
    const state = ev.state || { view: "chat" };
    if (state.view === "clause") openClause(state.clause, state.turn, true);
    else closePane();
  });

  // ------------------------------------------------------------ events

  function clauseOf(link) {
    if (link.dataset.clause) return link.dataset.clause;
    try { return new URL(link.href, location.href).searchParams.get("clause"); } catch (e) { return null; }
  }

  document.addEventListener("click", (ev) => {
    const target = ev.target;
    if (!target.closest || !target.closest("#app")) return;
    const copy = target.closest("[data-copy]");
    if (copy) { ev.preventDefault(); copyText(copy.dataset.copy, copy); return; }
    const link = target.closest("a[data-clause], a[href*='clause=']");
    if (link) {
      const clauseId = clauseOf(link);
      if (!clauseId) return;
      ev.preventDefault();
      const turnNode = link.closest("[data-turn]");
      const inPane = link.closest("#report-pane");
      const turnIndex = turnNode ? Number(turnNode.dataset.turn) : (inPane && history.state ? history.state.turn : null);
      visitClause(clauseId, turnIndex, inPane ? opener : link);
      return;
    }
    const action = target.closest("[data-action]");
    if (action) {
      const turnNode = action.closest("[data-turn]");
      const index = turnNode ? Number(turnNode.dataset.turn) : -1;
      const turn = turns[index];
      if (!turn) return;
      const kind = action.dataset.action;
      if (kind === "retry") again(index, {});
      else if (kind === "standalone") again(index, { standalone: true });
      else if (kind === "widen") again(index, { scope: "Whole report" });
      else if (kind === "copy") copyText(turn.markdown || "", action);
      else if (kind === "save") openSave(index, false, action);
      else if (kind === "bad") openSave(index, true, action);
      return;
    }
    const example = target.closest(".example");
    if (example) { $("question-input").value = example.dataset.question; ask(example.dataset.question, $("scope").value); return; }
    switch (target.closest("button") && target.closest("button").id) {
      case "open-report": visitClause("", null, target.closest("button")); break;
      case "close-pane": leavePane(); break;
      case "clear":
        turns = []; save(); draw(); notice(""); $("question-input").focus(); break;
      case "export-md":
        download("conversation.md", "text/markdown", `# Conversation about ${document.title.replace(/^Ask /, "")}\n\n` +
          exported().map((t) => t.markdown).join("\n---\n\n"));
        break;
      case "export-json":
        download("conversation.json", "application/json", JSON.stringify({
          report: document.title.replace(/^Ask /, ""),
          exported: new Date().toISOString(),
          turns: exported().map((t) => ({ scope: t.scope, standalone: !!t.standalone, answer: t.answer })),
        }, null, 2));
        break;
      case "save-cancel": closeSave(); break;
    }
  }, true);

  document.addEventListener("submit", (ev) => {
    if (ev.target.id === "ask-form") { ev.preventDefault(); ask($("question-input").value, $("scope").value); }
    else if (ev.target.id === "save-form") { ev.preventDefault(); confirmSave(); }
  }, true);

  document.addEventListener("keydown", (ev) => {
    if (ev.target.id === "question-input" && ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      ask(ev.target.value, $("scope").value);
    } else if (ev.key === "Escape" && !$("report-pane").hidden && !$("save-dialog").open) {
      leavePane();
    }
  });

  document.addEventListener("close", (ev) => {
    if (ev.target.id === "save-dialog" && saving && saving.trigger && saving.trigger.isConnected) saving.trigger.focus();
  }, true);

  // ------------------------------------------------------------ start

  function start() {
    turns = load();
    draw();
    // Deep links: ?clause=<id> or #clause-<id>. The chat goes under it in history, so Back stays in the app.
    const params = new URLSearchParams(location.search);
    let wanted = params.get("clause");
    if (!wanted && location.hash.startsWith("#clause-")) {
      const node = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      wanted = node ? node.dataset.clauseId : decodeURIComponent(location.hash.slice("#clause-".length));
    }
    if (wanted) {
      history.replaceState({ view: "chat" }, "", clauseUrl(null));
      history.pushState({ view: "clause", clause: wanted, turn: null }, "", clauseUrl(wanted));
      openClause(wanted, null, true);
    } else {
      history.replaceState({ view: "chat" }, "", location.href);
      const log = $("transcript");
      if (log) log.scrollTop = log.scrollHeight;
    }
    // the keys and the form are live from here on: a test (or anything driving the page) waits for this
    document.documentElement.dataset.ready = "true";
  }

  const wait = setInterval(() => {
    if (!$("transcript") || !$("report-view")) return;
    clearInterval(wait);
    start();
  }, 30);
}
