// Copy a value to the clipboard: <button data-copy="#input-id">.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var source = document.querySelector(button.getAttribute("data-copy"));
  if (!source) return;
  source.select();
  var done = function () { button.textContent = button.getAttribute("data-copied") || "✓"; };
  if (navigator.clipboard) navigator.clipboard.writeText(source.value).then(done, function () {});
  else { document.execCommand("copy"); done(); }
});
