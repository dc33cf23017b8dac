// Index of the registry tree (GET /api/assets): lookups by id for the overview, the filters and the drill-down.
// Pure module (no DOM): tested in node (tests/console/assets.test.mjs).

export function indexAssets(tree) {
  const sites = new Map();
  const tunnels = new Map();
  const cabins = new Map();
  const zones = new Map();
  const devices = new Map();
  const stations = new Map();
  for (const site of tree.sites ?? []) {
    sites.set(site.id, site);
    for (const tunnel of site.tunnels ?? []) {
      tunnels.set(tunnel.id, { ...tunnel, siteId: site.id });
      for (const cabin of tunnel.cabins ?? []) {
        cabins.set(cabin.id, { ...cabin, siteId: site.id, tunnelId: tunnel.id });
        for (const zone of cabin.zones ?? []) {
          zones.set(zone.id, { ...zone, siteId: site.id, tunnelId: tunnel.id, cabinId: cabin.id, cabinType: cabin.type });
          for (const device of zone.devices ?? []) {
            devices.set(device.id, { ...device, siteId: site.id, tunnelId: tunnel.id, cabinId: cabin.id, zoneId: zone.id });
          }
        }
      }
    }
    for (const station of site.stations ?? []) {
      stations.set(station.id, { ...station, siteId: site.id });
      for (const device of station.devices ?? []) {
        devices.set(device.id, { ...device, siteId: site.id, stationId: station.id });
      }
    }
  }
  return { tree, sites, tunnels, cabins, zones, devices, stations };
}

// The sites that have tunnels, and those that have stations (plants, gas network), in registry order.
export const tunnelSites = index => [...index.sites.values()].filter(s => (s.tunnels ?? []).length > 0);
export const stationSites = index => [...index.sites.values()].filter(s => (s.stations ?? []).length > 0);

// A sensor id is '{device}.{channel}'; device ids contain no dot.
export function splitSensorId(sensorId) {
  const dot = String(sensorId).lastIndexOf('.');
  return dot < 0 ? { deviceId: sensorId, channel: '' } : { deviceId: sensorId.slice(0, dot), channel: sensorId.slice(dot + 1) };
}
