/* graphx page script: draws the embedded graph with vis-network and wires search, toggles,
 * tooltips and the details panel.
 *
 * Every string from the graph (titles, abstracts, names, URLs) is untrusted: it reaches the page
 * only through textContent / DOM properties, never innerHTML, and only http(s) URLs become links.
 * Positions come precomputed from Python, so physics stays off and big graphs draw at once.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graphx-data").textContent);
  var meta = data.meta || {};

  var PALETTE = ["#1f77b4", "#e6550d", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#17becf", "#bcbd22", "#3182bd", "#31a354", "#756bb1"];
  var NO_COMMUNITY = "#9aa4ae";
  var TYPES = {
    paper: {label: "Papers", shape: "dot", swatch: "dot", color: PALETTE[0]},
    method: {label: "Methods", shape: "diamond", swatch: "diamond", color: "#6e7781"},
    repo: {label: "Code repos", shape: "square", swatch: "square", color: "#24292f"}
  };
  // edge kinds: colour, dashes and arrows tell them apart; cites is red, dashed and directed
  var KINDS = {
    shares_method: {label: "shares a method", color: "#c3ccd5", dashes: false, arrow: false, on: true},
    builds_on: {label: "builds on (uses a method it introduced)", color: "#e36209", dashes: false,
                arrow: true, on: true},
    cites: {label: "cites", color: "#cf222e", dashes: [7, 4], arrow: true, on: true},
    same_repo: {label: "same code repo", color: "#1a7f37", dashes: [2, 3], arrow: false, on: true},
    introduces: {label: "introduces (paper → method)", color: "#8250df", dashes: false, arrow: true,
                 on: true},
    mentions: {label: "mentions (paper → method)", color: "#e3e8ed", dashes: false, arrow: false,
               on: true},
    has_code: {label: "has code (paper → repo)", color: "#57606a", dashes: [4, 2], arrow: false,
               on: true}
  };

  var byId = new Map();
  data.nodes.forEach(function (n) { byId.set(n.id, n); });
  var big = data.nodes.length > 1500;

  // ---- small DOM helpers: text only --------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        if (key === "text") node.textContent = attrs[key];
        else if (key === "class") node.className = attrs[key];
        else node.setAttribute(key, attrs[key]);
      });
    }
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function safeUrl(value) {
    if (typeof value !== "string") return null;
    try {
      var url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(url, text) {
    var href = safeUrl(url);
    if (!href) return el("span", {text: text});
    var a = el("a", {text: text, target: "_blank", rel: "noopener noreferrer"});
    a.href = href;
    return a;
  }

  function fmt(number) {
    return typeof number === "number" ? number.toLocaleString("en") : "";
  }

  // ---- vis-network data ----------------------------------------------------------------------
  function nodeColour(n) {
    if (n.type === "paper") return n.group >= 0 ? PALETTE[n.group % PALETTE.length] : NO_COMMUNITY;
    return TYPES[n.type].color;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var colour = nodeColour(n);
    return {
      id: n.id, label: n.label, x: n.x, y: n.y, size: n.size, shape: TYPES[n.type].shape,
      type: n.type, papers: n.papers, generic: n.generic,
      color: {background: colour, border: colour, highlight: {background: colour, border: "#111"},
              hover: {background: colour, border: "#111"}},
      // labels scale with the node: zoomed out, only the big ones stay readable
      font: {size: n.type === "paper" ? Math.round(Math.min(Math.max((n.size - 8) * 1.1, 6), 24)) :
             Math.round(Math.min(7 + (n.papers || 1), 18)),
             color: n.type === "paper" ? "#1f2328" : "#57606a"}
    };
  }));

  var adjacency = new Map();
  function adjacent(id) {
    if (!adjacency.has(id)) adjacency.set(id, []);
    return adjacency.get(id);
  }
  var edgeRecords = [];
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var style = KINDS[e.kind] || KINDS.shares_method;
    edgeRecords.push(e);
    adjacent(e.from).push({edge: e, other: e.to, out: true});
    adjacent(e.to).push({edge: e, other: e.from, out: false});
    var width = e.weight ? Math.min(0.6 + Math.log(1 + e.weight) * 0.8, 5) : 0.6;
    return {
      id: i, from: e.from, to: e.to, kind: e.kind, width: width,
      color: {color: style.color, highlight: "#0969da", hover: "#0969da", opacity: 0.9},
      dashes: style.dashes, arrows: style.arrow ? {to: {enabled: true, scaleFactor: 0.5}} : undefined
    };
  }));

  var typeOn = {paper: true, method: true, repo: true};
  // methods only one paper mentions, and generic ones ("neural network"), are many and say
  // little about how papers relate: hidden until asked for
  var rareOn = false;
  // hidden methods the user searched for or clicked through to, shown one by one
  var revealed = new Set();
  function visible(n) {
    return typeOn[n.type] &&
      (n.type !== "method" || rareOn || (n.papers > 1 && !n.generic) || revealed.has(n.id));
  }
  var kindOn = {};
  Object.keys(KINDS).forEach(function (k) { kindOn[k] = KINDS[k].on; });
  // on big graphs every drawn line costs start-up time and each frame: facts (paper-method,
  // paper-repo lines) and same_repo start hidden there, one click away
  if (big) {
    ["mentions", "introduces", "has_code", "same_repo"].forEach(function (k) { kindOn[k] = false; });
  }
  var nodesView = new vis.DataView(nodes, {filter: visible});
  var edgesView = new vis.DataView(edges, {filter: function (e) { return kindOn[e.kind]; }});

  var container = document.getElementById("graph");
  var network = new vis.Network(container, {nodes: nodesView, edges: edgesView}, {
    physics: false,
    layout: {improvedLayout: false},
    interaction: {hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                  multiselect: false},
    nodes: {borderWidth: 1, font: {face: "system-ui, sans-serif", strokeWidth: 3,
                                   strokeColor: "#ffffff"}},
    edges: {smooth: false, selectionWidth: 1.5, hoverWidth: 1},
    groups: {}
  });

  // pyvis pages expose these; tests and power users drive the page through them
  window.network = network;
  window.nodes = nodes;
  window.edges = edges;
  window.graphxData = data;
  network.once("afterDrawing", function () {
    window.graphxReadyAt = performance.now(); // ms since navigation: benchmarks read it
    window.graphxReady = true;
    document.body.setAttribute("data-ready", "true");
  });

  // ---- header, note, legend and toggles --------------------------------------------------------
  document.getElementById("page-title").textContent = meta.title || "graphx";
  var typeCounts = {paper: 0, method: 0, repo: 0};
  data.nodes.forEach(function (n) { typeCounts[n.type] += 1; });
  var kindCounts = {};
  data.edges.forEach(function (e) { kindCounts[e.kind] = (kindCounts[e.kind] || 0) + 1; });
  document.getElementById("counts").textContent =
    fmt(typeCounts.paper) + " papers · " + fmt(typeCounts.method) + " methods · " +
    fmt(typeCounts.repo) + " repos · " + fmt(data.edges.length) + " links";

  var note = document.getElementById("note");
  var notes = [];
  if (meta.filters) notes.push("Filtered view: " + meta.filters + ".");
  if (meta.truncated_from) {
    notes.push("Showing the " + fmt(meta.papers) + " best-connected of " +
      fmt(meta.truncated_from) + " papers (" + fmt(meta.truncated_from - meta.papers) +
      " left out to keep the page fast). For more: graphx export --format html --max-nodes " +
      meta.truncated_from + ", or a part of the graph with --method NAME or --focus PAPER.");
  }
  if (notes.length) {
    note.textContent = notes.join(" ");
    note.hidden = false;
  }

  function toggle(container, label, swatch, checked, count, onChange) {
    var box = el("input", {type: "checkbox"});
    box.checked = checked;
    box.addEventListener("change", function () { onChange(box.checked); });
    container.appendChild(el("label", null, [box, swatch, el("span", {text: label}),
                                             el("span", {class: "count", text: fmt(count)})]));
    return box;
  }

  var typeBoxes = {};
  var typeToggles = document.getElementById("type-toggles");
  Object.keys(TYPES).forEach(function (t) {
    var swatch = el("span", {class: "swatch " + TYPES[t].swatch});
    swatch.style.background = TYPES[t].color;
    typeBoxes[t] = toggle(typeToggles, TYPES[t].label, swatch, true, typeCounts[t], function (on) {
      typeOn[t] = on;
      nodesView.refresh();
    });
    typeBoxes[t].setAttribute("data-type", t);
  });
  var rareCount = data.nodes.filter(function (n) {
    return n.type === "method" && (n.papers < 2 || n.generic);
  }).length;
  var rareBox = toggle(typeToggles, "generic or one-paper methods", el("span", {class: "swatch"}), rareOn,
                       rareCount, function (on) {
    rareOn = on;
    nodesView.refresh();
  });
  rareBox.setAttribute("data-type", "rare-method");
  var kindToggles = document.getElementById("kind-toggles");
  Object.keys(KINDS).forEach(function (k) {
    if (!kindCounts[k]) return;
    var swatch = el("span", {class: "swatch line" + (KINDS[k].dashes ? " dashed" : "")});
    swatch.style.borderTopColor = KINDS[k].color;
    toggle(kindToggles, KINDS[k].label, swatch, kindOn[k], kindCounts[k], function (on) {
      kindOn[k] = on;
      edgesView.refresh();
    }).setAttribute("data-kind", k);
  });

  var legend = document.getElementById("legend-communities");
  (meta.communities || []).forEach(function (c) {
    var swatch = el("span", {class: "swatch dot"});
    swatch.style.background = PALETTE[c.group % PALETTE.length];
    legend.appendChild(el("li", null, [swatch, el("span", {text: c.label}),
                                       el("span", {class: "count", text: fmt(c.papers)})]));
  });
  if (!(meta.communities || []).length) legend.appendChild(el("li", {text: "none (no links)"}));

  // ---- tooltips (own element, plain text) ----------------------------------------------------
  var tip = document.getElementById("tooltip");
  function showTip(text, pointer) {
    var box = container.getBoundingClientRect();
    tip.textContent = text;
    tip.style.left = Math.min(box.left + pointer.x + 14, window.innerWidth - 370) + "px";
    tip.style.top = (box.top + pointer.y + 14) + "px";
    tip.hidden = false;
  }
  function hideTip() { tip.hidden = true; }

  function nodeSummary(n) {
    if (n.type === "paper") {
      var lines = [n.title];
      if (n.published) lines.push(n.published + (n.upvotes != null ? " · " + n.upvotes + " upvotes" : ""));
      if (n.methods.length || n.introduces.length) {
        lines.push("Methods: " + n.introduces.concat(n.methods).slice(0, 8).join(", "));
      }
      return lines.join("\n");
    }
    if (n.type === "method") {
      return n.label + "\n" + n.category + " · " + n.papers + (n.papers === 1 ? " paper" : " papers");
    }
    var bits = [n.label];
    if (n.stars != null) bits.push("★ " + fmt(n.stars) + (n.language ? " · " + n.language : ""));
    if (n.description) bits.push(n.description);
    return bits.join("\n");
  }

  function edgeSummary(e) {
    var a = byId.get(e.from), b = byId.get(e.to);
    var text = KINDS[e.kind] ? KINDS[e.kind].label : e.kind;
    var lines = [(a ? a.label : e.from) + " — " + text + " — " + (b ? b.label : e.to)];
    if (e.methods && e.methods.length) {
      lines.push((e.kind === "same_repo" ? "Repo: " : "Methods: ") + e.methods.join(", "));
    }
    if (e.weight != null && e.kind === "shares_method") lines.push("Weight " + e.weight);
    return lines.join("\n");
  }

  network.on("hoverNode", function (p) { showTip(nodeSummary(byId.get(p.node)), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTip(edgeSummary(edgeRecords[p.edge]), p.pointer.DOM); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  // ---- details panel -------------------------------------------------------------------------
  var details = document.getElementById("details");
  var body = document.getElementById("details-body");
  document.getElementById("details-close").addEventListener("click", function () {
    details.hidden = true;
    network.unselectAll();
  });

  function nodeButton(id) {
    var n = byId.get(id);
    var b = el("button", {type: "button", class: "link", text: n ? (n.title || n.label) : id});
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }

  function methodChips(names, introduced) {
    var box = el("div", {class: "chips"});
    names.forEach(function (name) {
      var chip = el("button", {type: "button", class: "chip" + (introduced ? " introduced" : ""),
                               text: name});
      chip.addEventListener("click", function () {
        var target = data.nodes.find(function (n) { return n.type === "method" && n.label === name; });
        if (target) focusNode(target.id);
      });
      box.appendChild(chip);
    });
    return box;
  }

  function neighbourSections(id) {
    var groups = {};
    adjacent(id).forEach(function (link) {
      var e = link.edge, title;
      if (e.kind === "mentions" || e.kind === "introduces" || e.kind === "has_code") {
        if (byId.get(id).type === "paper") return; // listed as methods / repos above
        title = byId.get(id).type === "repo" ? "Papers with this code" :
          (e.kind === "introduces" ? "Introduced by" : "Mentioned by");
      } else if (e.kind === "builds_on") {
        title = link.out ? "Builds on" : "Built on by";
      } else if (e.kind === "cites") {
        title = link.out ? "Cites (in this graph)" : "Cited by (in this graph)";
      } else if (e.kind === "same_repo") {
        title = "Same code repo";
      } else {
        title = "Shares methods with";
      }
      (groups[title] = groups[title] || []).push(link);
    });
    var out = [];
    Object.keys(groups).forEach(function (title) {
      var links = groups[title].sort(function (x, y) { return (y.edge.weight || 0) - (x.edge.weight || 0); });
      var list = el("ul");
      links.slice(0, 50).forEach(function (link) {
        var item = el("li", null, [nodeButton(link.other)]);
        if (link.edge.methods && link.edge.methods.length && link.edge.kind !== "same_repo") {
          item.appendChild(el("span", {class: "meta", text: " (" + link.edge.methods.join(", ") + ")"}));
        }
        list.appendChild(item);
      });
      if (links.length > 50) list.appendChild(el("li", {text: "… and " + (links.length - 50) + " more"}));
      out.push(el("h4", {text: title + " · " + links.length}), list);
    });
    return out;
  }

  function showDetails(id) {
    var n = byId.get(id);
    if (!n) return;
    while (body.firstChild) body.removeChild(body.firstChild);
    var parts = [el("div", {class: "type", text: n.type}), el("h3", {text: n.title || n.label})];
    if (n.type === "paper") {
      var when = [n.published, n.upvotes != null ? n.upvotes + " upvotes" : null,
                  n.citations != null ? n.citations + " citations" : null].filter(Boolean).join(" · ");
      if (when) parts.push(el("p", {class: "meta", text: when}));
      if (n.authors && n.authors.length) {
        parts.push(el("p", {class: "meta", text: n.authors.join(", ") +
                            (n.more_authors ? " and " + n.more_authors + " more" : "")}));
      }
      if (n.url) parts.push(el("p", null, [link(n.url, n.url)]));
      if (n.abstract) parts.push(el("p", {class: "abstract", text: n.abstract}));
      if (n.introduces.length) parts.push(el("h4", {text: "Introduces"}), methodChips(n.introduces, true));
      if (n.methods.length) parts.push(el("h4", {text: "Methods"}), methodChips(n.methods, false));
      if (n.repos.length) {
        var repos = el("ul");
        n.repos.forEach(function (name) {
          var repo = byId.get("repo:" + name) || {label: name};
          var bits = [repo.stars != null ? "★ " + fmt(repo.stars) : null, repo.language].filter(Boolean);
          repos.appendChild(el("li", null, [link(repo.url || "https://github.com/" + name, repo.label),
                                            el("span", {class: "meta", text: bits.length ? " " + bits.join(" · ") : ""})]));
        });
        parts.push(el("h4", {text: "Code"}), repos);
      }
    } else if (n.type === "method") {
      parts.push(el("p", {class: "meta", text: n.category + (n.generic ? " (generic)" : "") + " · " +
                          n.papers + (n.papers === 1 ? " paper" : " papers")}));
    } else {
      parts.push(el("p", null, [link(n.url, n.url || n.label)]));
      var facts = [n.stars != null ? "★ " + fmt(n.stars) : null, n.forks != null ? fmt(n.forks) + " forks" : null,
                   n.language, n.license, n.pushed_at ? "pushed " + n.pushed_at.slice(0, 10) : null,
                   n.archived ? "archived" : null, n.status === "missing" ? "missing on GitHub" : null]
        .filter(Boolean).join(" · ");
      if (facts) parts.push(el("p", {class: "meta", text: facts}));
      if (n.description) parts.push(el("p", {class: "abstract", text: n.description}));
      if (n.topics && n.topics.length) parts.push(el("p", {class: "meta", text: n.topics.join(", ")}));
    }
    neighbourSections(id).forEach(function (p) { parts.push(p); });
    parts.forEach(function (p) { body.appendChild(p); });
    details.hidden = false;
    details.scrollTop = 0;
  }

  function focusNode(id) {
    var n = byId.get(id);
    if (!n) return;
    if (!visible(n)) {
      typeOn[n.type] = true;
      typeBoxes[n.type].checked = true;
      if (n.type === "method") revealed.add(id); // not all 400 of its kind
      nodesView.refresh();
    }
    showDetails(id);
    network.setSize("100%", "100%"); // the details panel may just have narrowed the canvas
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.0),
                       animation: big ? false : {duration: 350}});
  }
  window.graphxFocus = focusNode;

  network.on("click", function (p) {
    hideTip();
    if (p.nodes.length) showDetails(p.nodes[0]);
  });

  // ---- search --------------------------------------------------------------------------------
  var search = document.getElementById("search");
  var results = document.getElementById("search-results");
  var index = data.nodes.map(function (n) {
    return {id: n.id, text: (n.title || n.label).toLowerCase(), label: n.label.toLowerCase(),
            order: n.type === "paper" ? 0 : (n.type === "method" ? 1 : 2)};
  });
  var current = [], active = 0;

  function rank(query) {
    var found = [];
    index.forEach(function (entry) {
      var at = entry.text.indexOf(query);
      if (at < 0) return;
      var score = entry.label === query ? 0 : (at === 0 ? 1 : 2);
      found.push({id: entry.id, score: score, order: entry.order, len: entry.text.length});
    });
    // exact name, then prefix, then anywhere; papers before methods before repos; short first
    found.sort(function (a, b) { return a.score - b.score || a.order - b.order || a.len - b.len; });
    return found.slice(0, 12).map(function (f) { return f.id; });
  }

  function renderResults() {
    while (results.firstChild) results.removeChild(results.firstChild);
    current.forEach(function (id, i) {
      var n = byId.get(id);
      var item = el("li", {role: "option", "aria-selected": i === active ? "true" : "false"},
                    [el("span", {class: "kind", text: n.type}), el("span", {text: n.title || n.label})]);
      item.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(id); });
      results.appendChild(item);
    });
    results.hidden = current.length === 0;
  }

  function choose(id) {
    current = [];
    renderResults();
    focusNode(id);
  }

  search.addEventListener("input", function () {
    var query = search.value.trim().toLowerCase();
    current = query.length ? rank(query) : [];
    active = 0;
    renderResults();
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!current.length) return;
      active = (active + (ev.key === "ArrowDown" ? 1 : current.length - 1)) % current.length;
      renderResults();
      ev.preventDefault();
    } else if (ev.key === "Enter") {
      if (current.length) choose(current[active]);
    } else if (ev.key === "Escape") {
      current = [];
      renderResults();
    }
  });
  search.addEventListener("blur", function () { current = []; renderResults(); });
})();
