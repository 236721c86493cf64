
"use strict";
(function () {
  // Every value from the stream is put into the page with textContent / text nodes, never parsed as HTML.
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function ago(iso) {
    if (!iso) return "";
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 5) return "just now";
    if (s < 60) return s + " s ago";
    const m = Math.round(s / 60);
    if (m < 60) return m + " min ago";
    const h = Math.round(m / 60);
    return h < 48 ? h + " h ago" : Math.round(h / 24) + " d ago";
  }
  function setStatus(text, cls) {
    const status = document.getElementById("status");
    if (!status) return;
    status.textContent = text;
    status.className = "status " + (cls || "");
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // ---- the board (/) ----
  function boardPage() {
    const tbody = document.getElementById("rows");
    const rows = new Map(); // story_id -> {tr, card}
    function row(card) {
      const tr = el("tr", "story");
      tr.dataset.storyId = card.story_id;
      tr.dataset.version = String(card.version);
      tr.dataset.seq = String(card.seq);
      tr.dataset.at = String(card.at_ms);
      tr.dataset.articles = String(card.article_count);
      tr.dataset.independent = String(card.independent_source_count);
      tr.dataset.conflicts = String(card.conflict_count);
      const title = el("td", "title");
      const link = el("a", "story-link", card.title);
      link.href = card.url;
      title.append(link);
      if (card.facts) title.append(el("div", "facts", card.facts));
      title.append(el("div", "changes", "v" + card.version + ": " + card.changes.join(" · ")));
      const version = el("td", "version", "v" + card.version);
      const sources = el("td", "sources");
      sources.append(el("b", "articles", card.article_count),
                     card.article_count === 1 ? " article / " : " articles / ",
                     el("b", "independent", card.independent_source_count), " independent");
      const outlets = el("td", "outlets");
      for (const o of card.outlets) outlets.append(el("span", "chip", o));
      const conflicts = el("td", "conflicts");
      if (card.conflict_count > 0) {
        conflicts.append(el("span", "conflict-badge", plural(card.conflict_count, "conflict")));
      }
      const changed = el("td", "changed");
      const when = el("time", "ago", ago(card.at));
      when.dateTime = card.at || "";
      when.title = "published to story-updates at " + (card.at || "");
      changed.append(when, el("div", "newstime", card.news_time_text ? "news time " + card.news_time_text : ""));
      tr.append(title, version, sources, outlets, conflicts, changed);
      return tr;
    }
    function newer(a, b) {  // is row a a newer change than row b? (timestamp, then board order)
      const at = Number(a.dataset.at), bt = Number(b.dataset.at);
      return at !== bt ? at > bt : Number(a.dataset.seq) > Number(b.dataset.seq);
    }
    function place(tr) {
      for (const other of tbody.children) {
        if (newer(tr, other)) { tbody.insertBefore(tr, other); return; }
      }
      tbody.append(tr);
    }
    function bump(tr, cls, differs) {
      const cell = differs ? tr.querySelector(cls) : null;
      if (cell) cell.classList.add("bump");
    }
    function upsert(card) {
      const known = rows.get(card.story_id);
      if (known && known.card.version >= card.version) return;
      const tr = row(card);
      if (known) known.tr.remove();
      place(tr);
      rows.set(card.story_id, { tr: tr, card: card });
      if (known || !card.snapshot) {
        tr.classList.add(known ? "changed" : "new");
        if (known) {
          const old = known.card;
          bump(tr, "td.version", true);
          bump(tr, "td.sources", old.article_count !== card.article_count ||
               old.independent_source_count !== card.independent_source_count);
          bump(tr, "td.conflicts", old.conflict_count !== card.conflict_count);
          bump(tr, "td.outlets", old.outlets.length !== card.outlets.length);
        }
      }
      for (const other of tbody.querySelectorAll("tr.latest")) other.classList.remove("latest");
      if (tbody.firstElementChild) tbody.firstElementChild.classList.add("latest");
      document.getElementById("count").textContent = rows.size + (rows.size === 1 ? " story" : " stories");
      document.getElementById("empty").hidden = rows.size > 0;
    }
    setInterval(function () {
      for (const t of tbody.querySelectorAll("time.ago")) t.textContent = ago(t.dateTime);
    }, 5000);
    const source = new EventSource("/events");
    source.addEventListener("story", function (ev) { upsert(JSON.parse(ev.data)); });
    source.addEventListener("ready", function () {
      setStatus("live", "live");
      document.getElementById("empty").hidden = rows.size > 0;
    });
    source.onerror = function () { setStatus("reconnecting…", "down"); };
  }

  // ---- one story (/stories/{id}): fetch the server-rendered (escaped) page again when a new version arrives ----
  function storyPage() {
    const id = document.body.dataset.storyId;
    let busy = false;
    let wanted = 0;
    function shown() {
      const current = document.getElementById("story");
      return current ? Number(current.dataset.version) : 0;
    }
    async function swap() {
      const resp = await fetch(window.location.pathname, { cache: "no-store" });
      if (!resp.ok) return;
      const doc = new DOMParser().parseFromString(await resp.text(), "text/html");  // inert: no scripts run
      const fresh = doc.getElementById("story");
      const current = document.getElementById("story");
      if (!fresh || !current || Number(fresh.dataset.version) <= shown()) return;
      const node = document.adoptNode(fresh);
      current.replaceWith(node);
      node.classList.add("changed");
      const notice = document.getElementById("notice");
      if (notice) { notice.textContent = "Updated live to v" + node.dataset.version + "."; notice.hidden = false; }
      document.title = doc.title;
    }
    async function refresh(version) {
      wanted = Math.max(wanted, version);
      if (busy) return;
      busy = true;
      try {
        while (shown() < wanted) {
          const before = shown();
          await swap();
          if (shown() === before) break;
        }
      } finally {
        busy = false;
      }
    }
    const source = new EventSource("/events?story=" + encodeURIComponent(id));
    source.addEventListener("story", function (ev) {
      const card = JSON.parse(ev.data);
      const current = document.getElementById("story");
      if (card.story_id === id && current && card.version > Number(current.dataset.version)) refresh(card.version);
    });
    source.addEventListener("ready", function () { setStatus("live", "live"); });
    source.onerror = function () { setStatus("reconnecting…", "down"); };
  }

  document.addEventListener("DOMContentLoaded", function () {
    const page = document.body.dataset.page;
    if (page === "board") boardPage();
    else if (page === "story") storyPage();
    else setStatus("", "");
  });
})();
