/* The worker's station finder: where am I, which stations are nearest, open now and
   offering what I need. The list is the page; the map is a bonus that may fail (no tiles,
   no Leaflet) without taking the list with it. Coordinates are converted on the server:
   the phone's position goes out as WGS-84 and stations come back in the tiles' system. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("station-map-config").textContent);
  var S = config.strings;
  var els = {
    filters: document.getElementById("finder-filters"),
    status: document.getElementById("finder-status"),
    districts: document.getElementById("finder-districts"),
    district: document.getElementById("district"),
    summary: document.getElementById("finder-summary"),
    list: document.getElementById("station-list"),
    wrap: document.getElementById("finder-map-wrap"),
    note: document.getElementById("finder-map-note"),
  };
  var origin = null; // {lat, lng, crs, label}
  var map = null;
  var markers = null;
  var request = 0;

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function distanceText(metres) {
    if (metres < 1000) return fill(S.metres, { n: metres });
    return fill(S.kilometres, { n: (metres / 1000).toFixed(metres < 10000 ? 1 : 0) });
  }

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function badge(item) {
    if (item.status === "suspended") return node("span", "badge badge-warn", S.suspended);
    if (item.open_now) return node("span", "badge badge-ok", S.open);
    return node("span", "badge badge-muted", S.not_open);
  }

  function serviceLabels() {
    var labels = {};
    els.filters.querySelectorAll("input[name=service]").forEach(function (input) {
      labels[input.value] = input.nextElementSibling.textContent;
    });
    return labels;
  }
  var LABELS = serviceLabels();

  function renderItem(item) {
    var li = node("li", "station-item");
    li.setAttribute("data-testid", "station-item");
    li.setAttribute("data-code", item.code);
    var title = node("h3");
    title.appendChild(node("span", "station-title", item.name));
    title.appendChild(node("span", "distance", distanceText(item.distance_m)));
    li.appendChild(title);
    var state = node("p");
    state.appendChild(badge(item));
    state.appendChild(document.createTextNode(" " + item.kind_label + " · " + item.hours_today));
    li.appendChild(state);
    li.appendChild(node("p", "", item.address));
    var tags = node("div", "tags");
    item.services.forEach(function (code) { tags.appendChild(node("span", "tag", LABELS[code] || code)); });
    li.appendChild(tags);
    var actions = node("div", "actions");
    var route = node("a", "btn btn-primary", S.route);
    route.href = item.route_url;
    route.rel = "noopener";
    var details = node("a", "btn", S.details);
    details.href = item.url;
    actions.appendChild(route);
    actions.appendChild(details);
    li.appendChild(actions);
    return li;
  }

  function query() {
    var params = new URLSearchParams();
    params.set("lat", origin.lat);
    params.set("lng", origin.lng);
    params.set("crs", origin.crs);
    params.set("out_crs", config.tiles.crs);
    params.set("limit", "20");
    new FormData(els.filters).forEach(function (value, key) { params.append(key, value); });
    return config.api + "?" + params.toString();
  }

  function showMarkers(data) {
    if (!map) return;
    markers.clearLayers();
    var here = [data.origin.lat, data.origin.lng];
    L.circleMarker(here, { radius: 8, color: "#1d5fd6", fillOpacity: 0.9 }).bindPopup(S.you).addTo(markers);
    var bounds = [here];
    data.items.forEach(function (item) {
      var point = [item.lat, item.lng];
      bounds.push(point);
      L.circleMarker(point, { radius: 7, color: item.open_now ? "#00a870" : "#86909c", fillOpacity: 0.8 })
        .bindPopup(item.name + " · " + distanceText(item.distance_m))
        .addTo(markers);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  }

  function search() {
    if (!origin) return;
    var mine = ++request;
    fetch(query(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        if (mine !== request) return;
        els.list.replaceChildren.apply(els.list, data.items.map(renderItem));
        var km = Math.round(data.radius_m / 100) / 10;
        els.summary.textContent = data.count
          ? fill(S.found, { n: data.count, km: km })
          : fill(S.none, { km: config.max_km });
        try { showMarkers(data); } catch (e) { /* the list is what matters */ }
      })
      .catch(function () {
        if (mine === request) els.summary.textContent = S.error;
      });
  }

  function startAt(point) {
    origin = point;
    els.status.textContent = point.label;
    search();
  }

  function askDistrict() {
    els.status.textContent = S.denied;
    els.districts.hidden = false;
  }

  function locate() {
    if (!navigator.geolocation) return askDistrict();
    navigator.geolocation.getCurrentPosition(
      function (position) {
        startAt({
          lat: position.coords.latitude,
          lng: position.coords.longitude,
          crs: "wgs84",
          label: S.located,
        });
      },
      askDistrict,
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  }

  function tilesDown() {
    els.wrap.classList.add("tiles-down");
    els.note.textContent = S.tiles_down;
    els.note.hidden = false;
  }

  function initMap() {
    if (typeof L === "undefined") return tilesDown();
    var centre = config.districts[0];
    map = L.map("finder-map", { zoomControl: true }).setView([centre.lat, centre.lng], 14);
    markers = L.layerGroup().addTo(map);
    var loaded = 0;
    var failed = 0;
    var tiles = L.tileLayer(config.tiles.url, {
      subdomains: config.tiles.subdomains,
      attribution: config.tiles.attribution,
      maxZoom: 18,
    });
    tiles.on("tileload", function () { loaded += 1; });
    tiles.on("tileerror", function () {
      failed += 1;
      if (!loaded && failed >= 4) tilesDown();
    });
    tiles.addTo(map);
    // Tiles that hang instead of failing: give up on the map after a while.
    window.setTimeout(function () { if (!loaded) tilesDown(); }, 8000);
  }

  els.filters.addEventListener("change", search);
  els.district.addEventListener("change", function () {
    var d = config.districts[Number(els.district.value)];
    if (!d) return;
    startAt({ lat: d.lat, lng: d.lng, crs: config.crs_gcj02, label: fill(S.from_district, { name: d.name }) });
  });
  try { initMap(); } catch (e) { tilesDown(); }
  locate();
})();
