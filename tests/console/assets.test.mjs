// Tests of the registry index of the console (src/Lifeline.Server/wwwroot/js/assets.js) on the real Baoshan registry shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexAssets, tunnelSites, stationSites, splitSensorId } from '../../src/Lifeline.Server/wwwroot/js/assets.js';

const device = (id, channels = ['o2']) => ({ id, model: 'zone-controller', location: id, channels: channels.map(name => ({ name })) });
const tree = {
  sites: [
    {
      id: 'yongchang-rd', name: 'Yongchang Road', nameZh: '永昌路', kind: 'TunnelProject',
      tunnels: [{
        id: 'yongchang-rd-trunk', kind: 'Trunk', lengthM: 400,
        cabins: [{
          id: 'yongchang-rd-trunk-gas', type: 'Gas',
          zones: [
            { id: 'yongchang-rd-trunk-gas-z001', index: 1, startM: 0, endM: 200, devices: [device('yongchang-rd-trunk-gas-z001-ctl')] },
            { id: 'yongchang-rd-trunk-gas-z002', index: 2, startM: 200, endM: 400, devices: [device('yongchang-rd-trunk-gas-z002-ctl')] },
          ],
        }],
      }],
      stations: [],
    },
    {
      id: 'wwtp1', name: 'Baoshan No. 1 Sewage Treatment Plant', nameZh: '保山市第一污水处理厂', kind: 'SewagePlant', tunnels: [],
      stations: [{ id: 'wwtp1-influent', name: 'Influent pumping station', nameZh: '进水泵房', devices: [device('wwtp1-influent-pumps', ['level'])] }],
    },
  ],
};

test('every level is indexed by id with its parents', () => {
  const index = indexAssets(tree);
  assert.equal(index.sites.size, 2);
  assert.equal(index.tunnels.get('yongchang-rd-trunk').siteId, 'yongchang-rd');
  assert.deepEqual(
    (({ siteId, tunnelId }) => ({ siteId, tunnelId }))(index.cabins.get('yongchang-rd-trunk-gas')),
    { siteId: 'yongchang-rd', tunnelId: 'yongchang-rd-trunk' });
  const zone = index.zones.get('yongchang-rd-trunk-gas-z002');
  assert.equal(zone.cabinId, 'yongchang-rd-trunk-gas');
  assert.equal(zone.cabinType, 'Gas');
  assert.equal(index.devices.get('yongchang-rd-trunk-gas-z002-ctl').zoneId, 'yongchang-rd-trunk-gas-z002');
  assert.equal(index.devices.get('wwtp1-influent-pumps').stationId, 'wwtp1-influent');
  assert.equal(index.devices.get('wwtp1-influent-pumps').zoneId, undefined);
  assert.equal(index.stations.get('wwtp1-influent').siteId, 'wwtp1');
});

test('tunnel sites and station sites are told apart, in registry order', () => {
  const index = indexAssets(tree);
  assert.deepEqual(tunnelSites(index).map(s => s.id), ['yongchang-rd']);
  assert.deepEqual(stationSites(index).map(s => s.id), ['wwtp1']);
  assert.deepEqual(indexAssets({}).sites.size, 0);
});

test('a sensor id splits into device and channel at its last dot', () => {
  assert.deepEqual(splitSensorId('yongchang-rd-trunk-gas-z003-ctl.o2'), { deviceId: 'yongchang-rd-trunk-gas-z003-ctl', channel: 'o2' });
  assert.deepEqual(splitSensorId('platform.storage'), { deviceId: 'platform', channel: 'storage' });
  assert.deepEqual(splitSensorId('nodot'), { deviceId: 'nodot', channel: '' });
});
