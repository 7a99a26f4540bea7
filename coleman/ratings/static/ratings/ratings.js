// Enhances the star rating tool: rate with fetch and update the stars and average in place.
// Without this file the same buttons submit the form and the server redirects back.
// (Product cards show the average read-only: shoppers rate on the product page.)
(function () {
  "use strict";

  var FAILED = "Sorry, we could not save your rating. Please try again.";
  var EXPIRED = "Sorry, we could not save your rating: your session has expired. Please reload the page and try again.";

  function setStatus(status, text, kind) {
    status.textContent = text;
    status.classList.toggle("is-error", kind === "error");
    status.classList.toggle("is-success", kind === "success");
  }

  function showRating(tool, data) {
    tool.querySelectorAll("[data-stars]").forEach(function (button) {
      var value = Number(button.dataset.stars);
      button.classList.toggle("is-filled", value <= data.stars);
      button.setAttribute("aria-pressed", value === data.stars ? "true" : "false");
    });
    var stars = tool.querySelector("[data-rating-stars]");
    if (stars) {
      stars.setAttribute("aria-label", data.average_label);
      stars.querySelector("[data-rating-fill]").style.width = data.average_percent + "%";
    }
    var average = tool.querySelector("[data-rating-average]");
    if (average) average.textContent = data.count ? data.average_display + " out of " + data.max_stars : "Not rated yet";
    var count = tool.querySelector("[data-rating-count]");
    if (count) count.textContent = data.count_display;
    var countWrap = tool.querySelector("[data-rating-count-wrap]");
    if (countWrap) countWrap.hidden = !data.count;
    var legend = tool.querySelector("legend");
    if (legend) legend.textContent = "Your rating";
  }

  function enhance(tool) {
    var form = tool.querySelector("[data-rating-form]");
    var status = tool.querySelector("[data-rating-status]");
    if (!form || !status) return;
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !button.dataset.stars) return;
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") return;
      form.setAttribute("aria-busy", "true");
      setStatus(status, "Saving your rating…", null);
      fetch(button.formAction, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().catch(function () { return null; }).then(function (data) {
            return { response: response, data: data };
          });
        })
        .then(function (result) {
          var data = result.data;
          if (result.response.status === 401 && data && data.login_url) {
            window.location.assign(data.login_url);
            return;
          }
          if (!result.response.ok || !data || !data.ok) {
            var fallback = result.response.status === 403 ? EXPIRED : FAILED;
            setStatus(status, (data && data.error) || fallback, "error");
            return;
          }
          showRating(tool, data);
          setStatus(status, data.message, "success");
        })
        .catch(function () {
          setStatus(status, FAILED + " (Are you online?)", "error");
        })
        .finally(function () {
          form.removeAttribute("aria-busy");
        });
    });
  }

  function init() {
    if (!window.fetch || !window.FormData) return;
    document.querySelectorAll("[data-rating-tool]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
