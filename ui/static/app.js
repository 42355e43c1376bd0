() => {
  // Citation links carry data-clause (and a ?clause= href as a fallback without this script).
  const anchorId = (id) => "clause-" + id.replace(/[^A-Za-z0-9_\/.-]/g, "-");

  function clauseOf(link) {
    if (link.dataset.clause) return link.dataset.clause;
    try { return new URL(link.href, location.href).searchParams.get("clause"); } catch (e) { return null; }
  }

  function openReportTab() {
    const button = document.getElementById("report-tab-button")
      || [...document.querySelectorAll('button[role="tab"]')].find((b) => b.textContent.trim() === "Report");
    if (button && button.getAttribute("aria-selected") !== "true") button.click();
  }

  // Scroll the report's own pane, then bring the pane (not the whole page) into view, so the tabs stay visible.
  function reveal(el) {
    const pane = el.closest(".report-body");
    if (!pane || pane.scrollHeight <= pane.clientHeight) {
      el.scrollIntoView({ block: "center" });
      return;
    }
    const offset = el.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    pane.scrollTop += offset - pane.clientHeight / 3;
    const paneTop = pane.getBoundingClientRect().top;
    if (paneTop < 0 || paneTop > window.innerHeight / 2) window.scrollBy(0, paneTop - 80);
  }

  function showClause(clauseId, updateUrl) {
    openReportTab();
    let tries = 0;
    const attempt = () => {
      const el = document.getElementById(anchorId(clauseId));
      if (!el || el.offsetParent === null) {
        if (tries++ < 100) setTimeout(attempt, 50);
        return;
      }
      document.querySelectorAll(".report .clause.targeted").forEach((e) => e.classList.remove("targeted"));
      el.classList.add("targeted");
      reveal(el);
      if (updateUrl) {
        const url = new URL(location.href);
        url.searchParams.set("clause", clauseId);
        url.hash = el.id;
        history.replaceState(null, "", url);
      }
    };
    attempt();
  }

  document.addEventListener("click", (ev) => {
    const copy = ev.target.closest && ev.target.closest("[data-copy]");
    if (copy) {
      ev.preventDefault();
      const text = copy.dataset.copy;
      const done = () => { copy.textContent = "Copied"; setTimeout(() => (copy.textContent = "Copy"), 1500); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, () => {});
      } else {
        // Plain-http origins other than localhost have no Clipboard API.
        const area = document.createElement("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        if (document.execCommand("copy")) done();
        area.remove();
      }
      return;
    }
    const link = ev.target.closest && ev.target.closest("a[data-clause], a[href*='clause=']");
    if (!link) return;
    const clauseId = clauseOf(link);
    if (!clauseId) return;
    ev.preventDefault();
    ev.stopPropagation();
    showClause(clauseId, true);
  }, true);

  // Deep links: ?clause=<id> or #clause-<id>.
  const params = new URLSearchParams(location.search);
  let wanted = params.get("clause");
  if (!wanted && location.hash.startsWith("#clause-")) {
    const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    wanted = el ? el.dataset.clauseId : decodeURIComponent(location.hash.slice("#clause-".length));
  }
  if (wanted) showClause(wanted, false);
}
