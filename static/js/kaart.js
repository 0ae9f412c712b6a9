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
  var participants = [];  // {marker, latlng, leg}: the markers spread() keeps apart
  data.punten.forEach(function (punt) {
    var names = punt.besturen.map(function (b) { return b.naam; }).join(", ");
    var icon = L.divIcon({
      className: "kaart-marker kaart-marker-" + punt.spoor,
      html: LETTERS[punt.spoor] || "?",
      iconSize: [30, 30],
      iconAnchor: [15, 15],
      popupAnchor: [0, -14]
    });
    var latlng = L.latLng(punt.lat, punt.lon);
    var marker = L.marker(latlng, { icon: icon, title: names, alt: names, keyboard: true })
      .bindPopup(popup(punt))
      .addTo(map);
    var leg = L.polyline([latlng, latlng], { color: "#1d5c3a", weight: 2, opacity: 0.8, interactive: false });
    participants.push({ marker: marker, latlng: latlng, leg: leg });
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

  // Neighbours whose markers would overlap at this zoom (Kortrijk and Imog, Sint-Niklaas and
  // Temse) are fanned out in a small circle around where they are, each with a line to its
  // true place. Every marker stays its own focusable element, in the same order.
  var GAP = 34;  // px: a marker is 30 px wide

  function apart(a, b) {
    // Markers are 30 px squares: they overlap unless far enough apart along one axis.
    return Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y));
  }

  function groupsOf(points, spots) {
    // Markers belong together when their places, or the spots they were fanned out to, are
    // closer than a marker: fanning one group out must not push it onto another marker.
    var parent = points.map(function (_, i) { return i; });
    function root(i) {
      while (parent[i] !== i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
      }
      return i;
    }
    for (var i = 0; i < points.length; i++) {
      for (var j = i + 1; j < points.length; j++) {
        if (apart(points[i], points[j]) < GAP || apart(spots[i], spots[j]) < GAP) {
          parent[root(j)] = root(i);
        }
      }
    }
    var groups = {};
    points.forEach(function (_, index) {
      (groups[root(index)] = groups[root(index)] || []).push(index);
    });
    return Object.keys(groups).map(function (key) { return groups[key]; });
  }

  function fan(points, groups) {
    var spots = points.slice();
    groups.forEach(function (members) {
      if (members.length === 1) {
        return;
      }
      var center = members.reduce(function (sum, index) { return sum.add(points[index]); }, L.point(0, 0))
        .divideBy(members.length);
      // Neighbours on the circle are a chord apart; at 45 degrees a square needs that chord
      // to be sqrt(2) times the gap.
      var radius = (GAP * Math.SQRT2) / (2 * Math.sin(Math.PI / members.length));
      members.forEach(function (index, k) {
        var angle = -Math.PI / 2 + (2 * Math.PI * k) / members.length;
        spots[index] = center.add(L.point(Math.cos(angle), Math.sin(angle)).multiplyBy(radius));
      });
    });
    return spots;
  }

  function spread() {
    var points = participants.map(function (p) { return map.latLngToLayerPoint(p.latlng); });
    var spots = points.slice();
    var groups = [];
    for (var round = 0; round < 8; round++) {
      var next = groupsOf(points, spots);
      if (round > 0 && next.length === groups.length) {
        break;  // no group grew: nothing overlaps any more
      }
      groups = next;
      spots = fan(points, groups);
    }
    participants.forEach(function (p, index) {
      if (spots[index].equals(points[index])) {
        p.marker.setLatLng(p.latlng);
        p.leg.remove();
      } else {
        var spot = map.layerPointToLatLng(spots[index]);
        p.marker.setLatLng(spot);
        p.leg.setLatLngs([p.latlng, spot]).addTo(map);
      }
    });
  }

  map.on("zoomend", spread);
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 11 });
  } else {
    map.setView([50.9, 4.3], 8);
  }
  spread();
})();
