// A tap on a chart shows the values under the finger, as a mouse does by hovering: plotly.js
// hovers on mouse moves only, and a tap on a phone sends a click (pointerType "touch").
document.addEventListener("click", (event) => {
  if (event.pointerType !== "touch" || !window.Plotly) return;
  const chart = event.target.closest && event.target.closest(".js-plotly-plot");
  const plot = chart && chart.querySelector(".nsewdrag");
  if (!plot) return;
  const box = plot.getBoundingClientRect();
  const at = { xpx: event.clientX - box.left, ypx: event.clientY - box.top };
  // After plotly.js has handled the tap itself (it unhovers on the touch's end).
  window.setTimeout(() => window.Plotly.Fx.hover(chart, at, "xy"), 80);
});
