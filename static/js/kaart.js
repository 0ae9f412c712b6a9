/* The participants' map. Reads the JSON the page embeds; without JavaScript the list below
   the map carries the same information. Popups are built from DOM nodes, never from HTML
   strings, so names from the database cannot inject markup. */
(function () {
  "use strict";
  var container = document.getElementById("kaart");
  if (!container || typeof L === "undefined") {
    return;
  }
  var source = document.getElementById(container.getAttribute("data-kaart-data"));
  var data = JSON.parse(source.textContent);
  var fallback = container.querySelector(".kaart-zonder-js");
  if (fallback) {
    fallback.remove();
  }
  container.classList.add("kaart-actief");

  var map = L.map(container, { scrollWheelZoom: false });
  if (data.tegels) {
    L.tileLayer(data.tegels, { maxZoom: 18, attribution: data.bronvermelding }).addTo(map);
  }

  var LETTERS = { strategie: "S", pilootproject: "P", beide: "S+P", genoemd: "?" };
  var SPOREN = { strategie: "strategie", pilootproject: "pilootproject" };

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text) {
      node.textContent = text;
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function link(url, text) {
    var a = el("a", text);
    a.href = url;
    return a;
  }

  function popup(punt) {
    var root = el("div", null, "kaart-popup");
    punt.besturen.forEach(function (bestuur) {
      var title = el("p", null, "fw-semibold mb-1");
      title.appendChild(link(bestuur.url, bestuur.naam));
      root.appendChild(title);
      root.appendChild(el("p", bestuur.soort + (bestuur.provincie ? " · " + bestuur.provincie : ""), "small mb-1"));
      if (bestuur.rol === "genoemd") {
        root.appendChild(el("p", "Genoemd als deelnemer; welk traject is niet gekend.", "small mb-1"));
      }
      if (bestuur.trajecten.length) {
        var list = el("ul", null, "small mb-1");
        bestuur.trajecten.forEach(function (traject) {
          var item = el("li");
          item.appendChild(link(traject.url, traject.titel));
          item.appendChild(document.createTextNode(" (" + (SPOREN[traject.spoor] || traject.spoor) + "): " + traject.voortgang));
          list.appendChild(item);
        });
        root.appendChild(list);
      }
      if (bestuur.leden.length) {
        var leden = el("p", "Gemeentevennoten (" + bestuur.leden.length + "): ", "small mb-1");
        bestuur.leden.forEach(function (lid, index) {
          leden.appendChild(link(lid.url, lid.naam));
          if (index < bestuur.leden.length - 1) {
            leden.appendChild(document.createTextNode(", "));
          }
        });
        root.appendChild(leden);
        if (bestuur.leden_toelichting) {
          root.appendChild(el("p", bestuur.leden_toelichting, "small text-body-secondary mb-1"));
        }
      }
    });
    return root;
  }

  var bounds = [];
  data.punten.forEach(function (punt) {
    var names = punt.besturen.map(function (b) { return b.naam; }).join(", ");
    var icon = L.divIcon({
      className: "kaart-marker kaart-marker-" + punt.spoor,
      html: LETTERS[punt.spoor] || "?",
      iconSize: [30, 30],
      iconAnchor: [15, 15],
      popupAnchor: [0, -14]
    });
    L.marker([punt.lat, punt.lon], { icon: icon, title: names, alt: names, keyboard: true })
      .bindPopup(popup(punt))
      .addTo(map);
    bounds.push([punt.lat, punt.lon]);
  });
  data.leden.forEach(function (lid) {
    var icon = L.divIcon({ className: "kaart-marker kaart-marker-lid", html: "", iconSize: [14, 14] });
    var body = el("p", null, "small mb-0");
    body.appendChild(link(lid.url, lid.naam));
    body.appendChild(document.createTextNode(" (gemeentevennoot)"));
    L.marker([lid.lat, lid.lon], { icon: icon, title: lid.naam, alt: lid.naam, keyboard: true })
      .bindPopup(body)
      .addTo(map);
    bounds.push([lid.lat, lid.lon]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 11 });
  } else {
    map.setView([50.9, 4.3], 8);
  }
})();
