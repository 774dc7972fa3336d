import { useEffect } from 'react';
import { api } from '../api/endpoints';
import type { DeviceJson, Health } from '../api/types';
import { Page } from '../components/Page';
import { TableWrap } from '../components/TableWrap';
import { ErrorMessage, Loading } from '../components/Status';
import { useAsync, useNow } from '../hooks';
import { useLive } from '../live/LiveProvider';
import { formatAge } from '../lib/time';

const ROLE_LABELS: Record<string, string> = {
  badge_reader: 'Badge reader',
  barcode_scanner: 'Barcode scanner',
  lock: 'Lock',
  door_sensor: 'Door sensor',
  lid: 'Bin lid sensor',
  combo: 'Reader with sensors',
};

function Check({ ok, label, detail }: { ok: boolean; label: string; detail: string }) {
  return (
    <div className={`health-item ${ok ? 'health-ok' : 'health-bad'}`}>
      <span className="health-icon" aria-hidden="true">
        {ok ? '✔' : '✖'}
      </span>
      <div>
        <p className="health-label">
          {label}: <strong>{ok ? 'OK' : 'problem'}</strong>
        </p>
        <p className="small">{detail}</p>
      </div>
    </div>
  );
}

function HealthCards({ health }: { health: Health }) {
  const logSize = useLive((s) => s.lastIndex);
  const size = Math.max(health.log.size, logSize === null ? 0 : logSize + 1);
  const age = health.log.last_checkpoint_age_seconds;
  return (
    <div className="health-grid" data-testid="health">
      <Check ok={health.database.ok} label="Database" detail={health.database.dialect} />
      <Check ok={health.broker.ok} label="MQTT broker" detail={`${health.broker.mode} · ${health.broker.url}`} />
      <Check ok={health.writer.accepting} label="Custody writer" detail={health.writer.accepting ? 'accepting device reads' : `stopped: ${health.writer.halted_reason ?? 'unknown reason'}`} />
      <Check
        ok={age === null || age < 300}
        label="Custody log"
        detail={`${size} entries · last checkpoint ${health.log.last_checkpoint_size ?? '—'} entries, ${formatAge(age)}`}
      />
    </div>
  );
}

function DeviceTable({ devices }: { devices: DeviceJson[] }) {
  const lastSeen = useLive((s) => s.lastSeen);
  const now = useNow(5000);
  const byPlace = new Map<string, DeviceJson[]>();
  for (const d of devices) byPlace.set(d.place ?? '(unassigned)', [...(byPlace.get(d.place ?? '(unassigned)') ?? []), d]);
  return (
    <TableWrap label="Devices">
      <table className="table" data-testid="devices">
        <caption className="visually-hidden">Configured devices, by place</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Kind</th>
            <th scope="col">Place</th>
            <th scope="col">Connection</th>
            <th scope="col">Last activity</th>
          </tr>
        </thead>
        <tbody>
          {[...byPlace.entries()].flatMap(([place, list]) =>
            list.map((d) => {
              const seen = lastSeen[d.id];
              return (
                <tr key={d.id}>
                  <th scope="row" className="mono">
                    {d.id}
                  </th>
                  <td>{ROLE_LABELS[d.role] ?? d.role}</td>
                  <td>{place}</td>
                  <td>{d.transport}</td>
                  <td>{seen ? `${formatAge((now - seen.at) / 1000)} (#${seen.index})` : <span className="muted">none since this page opened</span>}</td>
                </tr>
              );
            }),
          )}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function SystemPage() {
  const health = useAsync((signal) => api.health(signal), 'health');
  const devices = useAsync((signal) => api.devices(signal), 'devices');
  useEffect(() => {
    const id = setInterval(health.reload, 5000);
    return () => clearInterval(id);
  }, [health.reload]);
  return (
    <Page title="Health and devices">
      <section aria-labelledby="health-heading">
        <h2 id="health-heading">
          Health{' '}
          {health.data ? (
            <span className={`tag ${health.data.status === 'ok' ? 'status-in' : 'status-missing'}`} data-testid="health-status">
              {health.data.status === 'ok' ? 'All systems OK' : 'Degraded'}
            </span>
          ) : null}
        </h2>
        {health.error ? <ErrorMessage error={health.error} retry={health.reload} what="the server's health" /> : null}
        {health.loading && !health.data ? <Loading /> : null}
        {health.data ? <HealthCards health={health.data} /> : null}
      </section>
      <section aria-labelledby="devices-heading">
        <h2 id="devices-heading">Devices</h2>
        <p className="small muted">Per-device health (last heartbeat, battery, firmware) comes with the device health API; activity below is what this page has seen live.</p>
        {devices.error ? <ErrorMessage error={devices.error} retry={devices.reload} what="the devices" /> : null}
        {devices.loading && !devices.data ? <Loading /> : null}
        {devices.data ? <DeviceTable devices={devices.data.devices} /> : null}
      </section>
    </Page>
  );
}
