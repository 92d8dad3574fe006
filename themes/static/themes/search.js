/* Progressive enhancement of the search page: suggests titles while the visitor types.
   The page works without it; the suggestions come from the small JSON endpoint named in
   data-suggest-url (?q=<what was typed> → {"suggestions": [{"text", "kind", "url"}]}). */
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest-url]");
  if (!input || !window.fetch) return;
  var list = document.getElementById(input.getAttribute("list"));
  if (!list) return;
  var endpoint = input.getAttribute("data-suggest-url");
  var timer = null;
  var lastAsked = "";
  var controller = null;

  function show(suggestions) {
    while (list.firstChild) list.removeChild(list.firstChild);
    suggestions.forEach(function (suggestion) {
      var option = document.createElement("option");
      option.value = suggestion.text;
      list.appendChild(option);
    });
  }

  function ask() {
    var typed = input.value.trim();
    if (typed.length < 2 || typed === lastAsked) return;
    lastAsked = typed;
    if (controller && controller.abort) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    fetch(endpoint + "?q=" + encodeURIComponent(typed.slice(0, 60)), {
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.ok ? response.json() : { suggestions: [] };
    }).then(function (data) {
      if (input.value.trim() === typed) show(data.suggestions || []);
    }).catch(function () { /* offline or aborted: no suggestions */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 200);
  });
})();
