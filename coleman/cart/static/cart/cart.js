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
    if (!box) {
      box = document.createElement("p");
      box.className = "cart-add-status";
      box.setAttribute("role", "status");
      form.appendChild(box);
    }
    box.textContent = text;
    box.classList.toggle("errorlist", Boolean(isError));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("cart-add-form") || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
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
          showStatus(form, result.data.error || "Sorry, that did not work. Please try again.", true);
        }
      })
      .catch(function () { form.submit(); })
      .finally(function () { if (button) button.disabled = false; });
  });
})();
