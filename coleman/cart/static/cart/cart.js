/* Progressive enhancement for "Add to cart": add without leaving the product page.
   Without JavaScript (or if fetch fails) the form posts normally and the cart page opens. */
(function () {
  "use strict";

  function updateSummary(data) {
    document.querySelectorAll(".cart-summary").forEach(function (link) {
      var count = link.querySelector(".cart-summary-count");
      var unit = link.querySelector(".cart-summary-unit");
      var total = link.querySelector(".cart-summary-total");
      if (count) count.textContent = data.count;
      if (unit) unit.textContent = data.count_unit;
      if (total) total.textContent = data.subtotal_display;
    });
  }

  function showStatus(form, text, isError) {
    var box = form.querySelector(".cart-add-status");
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("errorlist", Boolean(isError));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("cart-add-form") || !window.fetch) return;
    event.preventDefault();
    // The button stays enabled (a disabled button loses the keyboard focus to the page);
    // aria-disabled tells it is busy, and a second press meanwhile is ignored.
    var button = form.querySelector("button[type=submit]");
    if (form.getAttribute("data-busy")) return;
    form.setAttribute("data-busy", "true");
    if (button) button.setAttribute("aria-disabled", "true");
    showStatus(form, "", false);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (result.ok) {
          updateSummary(result.data);
          showStatus(form, result.data.message, false);
        } else {
          showStatus(form, result.data.error || form.getAttribute("data-error-message"), true);
        }
      })
      .catch(function () { form.submit(); })
      .finally(function () {
        form.removeAttribute("data-busy");
        if (button) button.removeAttribute("aria-disabled");
      });
  });
})();
