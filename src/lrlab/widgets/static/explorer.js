function (root) {
  // The static explorer of lrlab.widgets: look up the precomputed curve for the controls'
  // grid position and redraw the SVG paths and the readout. No network, no libraries.
  "use strict";
  if (!root || root.getAttribute("data-lrlab-ready")) return;
  root.setAttribute("data-lrlab-ready", "1");
  var data = JSON.parse(root.querySelector("script.lrlab-data").textContent);
  // The plot ships as an <img> of its SVG (what a sanitizer keeps); put the SVG itself inline.
  var still = root.querySelector("img.lrlab-still"), src = still.getAttribute("src");
  var bytes = Uint8Array.from(atob(src.slice(src.indexOf(",") + 1)), function (c) { return c.charCodeAt(0); });
  var svg = document.importNode(
    new DOMParser().parseFromString(new TextDecoder().decode(bytes), "image/svg+xml").documentElement, true);
  still.parentNode.replaceChild(svg, still);
  var f = JSON.parse(svg.getAttribute("data-frame"));
  var xs = data.x, cache = {}, shown = [], cursor = data.cursor;
  var idx = data.layers.map(function (layer) {
    return layer.controls.map(function (c) { return c.center; });
  });

  function decode(id) {  // base64 little-endian float32 -> array of numbers
    if (cache[id]) return cache[id];
    var text = atob(data.curves[id]), bytes = new Uint8Array(text.length), out = [];
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    var view = new DataView(bytes.buffer);
    for (i = 0; i < bytes.length; i += 4) out.push(view.getFloat32(i, true));
    return (cache[id] = out);
  }
  function px(x) { return f.x[2] + (x - f.x[0]) / (f.x[1] - f.x[0]) * (f.x[3] - f.x[2]); }
  function py(panel, y) {
    var p = f.panels[panel];
    y = Math.min(Math.max(y, p[0]), p[1]);
    return p[2] + (y - p[0]) / (p[1] - p[0]) * (p[3] - p[2]);
  }
  function path(panel, ys) {
    var d = "";
    for (var i = 0; i < ys.length; i++) {
      d += (i ? "L" : "M") + px(xs[i]).toFixed(1) + "," + py(panel, ys[i]).toFixed(1);
    }
    return d;
  }
  function fmt(v) {  // four significant digits, as lrlab.widgets._fmt
    if (v === 0) return "0";
    var e = Math.floor(Math.log10(Math.abs(v)));
    var parts = ((e < -4 || e >= 4) ? v.toExponential(3) : v.toPrecision(4)).split("e");
    if (parts[0].indexOf(".") >= 0) parts[0] = parts[0].replace(/0+$/, "").replace(/\.$/, "");
    return parts.length > 1 ? parts[0] + "e" + parseInt(parts[1], 10) : parts[0];
  }
  function readout(i) {
    var span = root.querySelector('.lrlab-readout [data-layer="' + i + '"] .lrlab-value');
    if (typeof shown[i] === "string") {
      span.textContent = shown[i];
      span.style.color = "#b00";
      return;
    }
    span.style.color = "";
    span.textContent = data.layers[i].kinds.map(function (kind, k) {
      return kind + " " + fmt(shown[i][k][cursor]);
    }).join(", ");
  }
  function draw(i) {
    var layer = data.layers[i], entry = layer.grid[idx[i].join(",")];
    shown[i] = entry === undefined ? "no precomputed curve here" :
      entry.error !== undefined ? data.errors[entry.error] : entry.map(decode);
    layer.kinds.forEach(function (kind, k) {
      var el = root.querySelector('path[data-layer="' + i + '"][data-kind="' + kind + '"]');
      el.setAttribute("d", typeof shown[i] === "string" ? "" : path(kind, shown[i][k]));
    });
    readout(i);
  }
  function control(i, j) { return root.querySelector('[data-layer="' + i + '"][data-control="' + j + '"]'); }
  function setControl(i, j, k) {
    var el = control(i, j);
    idx[i][j] = k;
    el.value = String(k);
    el.parentNode.querySelector("output").textContent = data.layers[i].controls[j].labels[k];
  }
  data.layers.forEach(function (layer, i) {
    layer.controls.forEach(function (c, j) {
      var el = control(i, j);
      el.disabled = false;
      function moved() {
        if (!layer.full && c.kind === "slider") {  // one slider at a time: the others go back
          layer.controls.forEach(function (other, m) {
            if (m !== j && other.kind === "slider") setControl(i, m, other.center);
          });
        }
        setControl(i, j, parseInt(el.value, 10));
        draw(i);
      }
      el.addEventListener("input", moved);
      el.addEventListener("change", moved);
    });
    draw(i);
  });
  var cursorInput = root.querySelector(".lrlab-cursor-input"), line = root.querySelector("line.lrlab-cursor");
  function moveCursor() {
    cursor = parseInt(cursorInput.value, 10);
    var x = px(xs[cursor]).toFixed(1);
    line.setAttribute("x1", x);
    line.setAttribute("x2", x);
    root.querySelector(".lrlab-at").textContent = String(xs[cursor]);
    data.layers.forEach(function (layer, i) { readout(i); });
  }
  cursorInput.disabled = false;
  cursorInput.addEventListener("input", moveCursor);
  if (data.layers.some(function (layer) { return !layer.full; })) {
    var note = document.createElement("div");
    note.className = "lrlab-note";
    note.textContent = "Static page: each slider moves with the others at their displayed values.";
    root.querySelector(".lrlab-readout").insertAdjacentElement("afterend", note);
  }
  root.querySelector(".lrlab-fallback").style.display = "none";
}
