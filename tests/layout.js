// Measures, in the page as rendered, what makes a page hard to read (issue: "Made for the reader").
// Returns a list of findings per rule; every list is empty on a readable page.
(laptop) => {
  const vw = document.documentElement.clientWidth;
  const out = { sideways: [], clipped: [], brokenWords: [], narrowCells: [], overflowingCells: [], smallSvgText: [], narrowCharts: [], offscreen: [] };
  const se = document.scrollingElement;
  if (se.scrollWidth > se.clientWidth + 1) out.sideways.push(`page is ${se.scrollWidth}px wide in a ${se.clientWidth}px window`);
  // Where a reader reads: the header, the tabs, the article and the footer. The navigation drawer is
  // off-canvas by design until opened, and Material hides its header topic swap with opacity 0.
  const scope = [".md-header", ".md-tabs", "article.md-content__inner", ".md-footer"]
    .map((s) => document.querySelector(s)).filter(Boolean);
  const shown = (el) => {
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === "none" || cs.visibility === "hidden" || parseFloat(cs.opacity) === 0) return false;
      if (e.tagName === "DETAILS" && !e.open && e !== el && !el.closest("summary")) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 2 && r.height > 2;
  };
  const label = (el) => {
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60);
    return `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""} "${text}"`;
  };
  const textNodes = (root) => {
    const found = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.nodeValue.trim()) found.push(n);
    return found;
  };
  for (const root of scope) {
    for (const el of root.querySelectorAll("*")) {
      const cs = getComputedStyle(el);
      const hides = (v) => v === "hidden" || v === "clip";
      if (!(hides(cs.overflowX) || hides(cs.overflowY))) continue;
      if (!el.textContent.trim() || !shown(el)) continue;
      if ((hides(cs.overflowX) && el.scrollWidth > el.clientWidth + 1) || (hides(cs.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
        out.clipped.push(`${label(el)}: ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`);
      }
    }
    for (const node of textNodes(root)) {
      const parent = node.parentElement;
      if (!shown(parent)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rect = range.getBoundingClientRect();
      if (!laptop && rect.width > 0 && (rect.left < -1 || rect.left > vw - 1)) {
        out.offscreen.push(`"${node.nodeValue.trim().slice(0, 40)}" starts at x=${Math.round(rect.left)} of ${vw}`);
      }
    }
  }
  const article = document.querySelector("article.md-content__inner");
  if (article) {
    for (const cell of article.querySelectorAll("td, th")) {
      if (!shown(cell)) continue;
      for (const node of textNodes(cell)) {
        const re = /[^\s\-\/.]{2,}/g;
        let m;
        while ((m = re.exec(node.nodeValue))) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (tops.size > 1) out.brokenWords.push(`"${m[0]}" in ${label(cell)}`);
        }
      }
      // content wider than its cell runs over the next one (a badge that cannot wrap in a column too narrow)
      if (cell.scrollWidth > cell.clientWidth + 1) out.overflowingCells.push(`${cell.scrollWidth}px in ${cell.clientWidth}px: ${label(cell)}`);
      const text = cell.textContent.trim();
      if (laptop && text.length > 80 && cell.getBoundingClientRect().width < 180) {
        out.narrowCells.push(`${Math.round(cell.getBoundingClientRect().width)}px: ${label(cell)}`);
      }
    }
    const style = getComputedStyle(article);
    const column = article.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const svg of article.querySelectorAll("svg")) {
      if (!shown(svg)) continue;
      const isChart = svg.closest("figure.pm-chart");
      for (const t of svg.querySelectorAll("text")) {
        if (!t.textContent.trim()) continue;
        const size = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
        if (size < (laptop ? 12 : 10) - 0.05) out.smallSvgText.push(`${size.toFixed(1)}px: "${t.textContent.trim().slice(0, 30)}" in #${svg.id}`);
      }
      if (isChart && svg.getBoundingClientRect().width < column / 2) {
        out.narrowCharts.push(`#${svg.id} is ${Math.round(svg.getBoundingClientRect().width)}px in a ${Math.round(column)}px column`);
      }
    }
  }
  return out;
}
