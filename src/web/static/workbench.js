// The SPARQL workbench's small helpers: Ctrl+Enter (or Cmd+Enter) runs the query, and the
// "Go to line L, column C" button puts the cursor where the syntax error is.
(function () {
  "use strict";
  var query = document.getElementById("query");
  if (!query) {
    return;
  }
  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      query.form.requestSubmit ? query.form.requestSubmit() : query.form.submit();
    }
  });
  var goto = document.querySelector("button.goto");
  if (goto) {
    goto.addEventListener("click", function () {
      var line = parseInt(goto.getAttribute("data-line"), 10);
      var column = parseInt(goto.getAttribute("data-column"), 10);
      var lines = query.value.split("\n");
      var at = 0;
      for (var i = 0; i < line - 1 && i < lines.length; i++) {
        at += lines[i].length + 1;
      }
      at += Math.max(column - 1, 0);
      query.focus();
      query.setSelectionRange(at, Math.min(at + 1, query.value.length));
    });
  }
})();
