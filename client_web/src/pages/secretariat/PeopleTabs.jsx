// Members of the council, and accounts with their QR pairing cards and devices.
import { useState } from 'preact/hooks';
import { QrCode } from '../../components/qr.jsx';
import { Badge, Button, Card, Dialog, EmptyState, ErrorText, Field, Icon, Loading } from '../../components/ui.jsx';
import { call } from '../../lib/api.js';
import { formatDate, formatDateTime } from '../../lib/format.js';
import { useAction, useLoad } from '../../lib/hooks.js';
import { t, useLang } from '../../lib/i18n.js';

const fold = (s) =>
  (s || '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();

export function MembersTab({ councilId }) {
  useLang();
  const { data, error, loading } = useLoad(() => call('listCouncilMembers', { params: { council_id: councilId } }), [councilId]);
  const [query, setQuery] = useState('');
  if (loading) return <Loading />;
  if (error) return <ErrorText error={error} />;
  const members = data.members.filter((m) => !query || fold(`${m.full_name} ${m.username} ${m.position}`).includes(fold(query)));
  return (
    <Card title={t('secretariat.members_title', { count: data.members.length })} icon="people" id="members">
      <Field label={t('secretariat.find_member')} id="members-find">
        <input id="members-find" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </Field>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t('secretariat.seat')}</th>
            <th scope="col">{t('secretariat.name')}</th>
            <th scope="col">{t('secretariat.position')}</th>
            <th scope="col">{t('secretariat.group')}</th>
            <th scope="col">{t('secretariat.username')}</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.user_id}>
              <td class="num">{m.seat ?? ''}</td>
              <td class="cell-strong">{m.full_name}</td>
              <td>{m.position}</td>
              <td>{m.group_name}</td>
              <td class="mono">{m.username}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function pairingUrl(user, token) {
  const page = user.roles.includes('display') ? '/display' : '/';
  return `${location.origin}${page}#/pair/${encodeURIComponent(token)}`;
}

export function DevicesTab() {
  useLang();
  const { data, error, loading } = useLoad(() => call('listUsers'), []);
  const [query, setQuery] = useState('');
  const [card, setCard] = useState(null);
  const [devicesOf, setDevicesOf] = useState(null);
  const [run, busy, actionError] = useAction();
  if (loading) return <Loading />;
  if (error) return <ErrorText error={error} />;
  const users = data.users.filter(
    (u) => u.active && !u.roles.includes('admin') && (!query || fold(`${u.full_name} ${u.username}`).includes(fold(query))),
  );
  const makeCard = async (user) => {
    const answer = await run(() => call('createPairingToken', { params: { user_id: user.id }, body: {} }));
    if (answer) setCard({ user, token: answer.token, expires_at: answer.expires_at });
  };
  return (
    <>
      <Card title={t('secretariat.devices_title')} icon="qr" id="devices">
        <p class="card-sub">{t('secretariat.devices_help')}</p>
        <Field label={t('secretariat.find_user')} id="devices-find">
          <input id="devices-find" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </Field>
        <ErrorText error={actionError} />
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t('secretariat.name')}</th>
              <th scope="col">{t('secretariat.username')}</th>
              <th scope="col">{t('secretariat.roles')}</th>
              <th scope="col">
                <span class="sr-only">{t('secretariat.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-username={u.username}>
                <td class="cell-strong">{u.full_name}</td>
                <td class="mono">{u.username}</td>
                <td>
                  {u.roles.map((r) => (
                    <Badge key={r} tone="neutral">
                      {t(`roles.${r}`)}
                    </Badge>
                  ))}
                </td>
                <td class="row-actions">
                  <Button kind="primary" busy={busy} onClick={() => makeCard(u)} aria-label={t('secretariat.make_card_named', { name: u.full_name })}>
                    <Icon name="qr" />
                    {t('secretariat.make_card')}
                  </Button>
                  <Button onClick={() => setDevicesOf(u)} aria-label={t('secretariat.devices_named', { name: u.full_name })}>
                    {t('secretariat.devices')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Dialog open={Boolean(card)} title={t('secretariat.card_title')} onClose={() => setCard(null)} class="print-dialog">
        {card && (
          <>
            <div class="pair-card" id="pair-card">
              <p class="pair-card-council">{t('app.name')}</p>
              <QrCode value={pairingUrl(card.user, card.token)} label={t('secretariat.card_qr_label', { name: card.user.full_name })} class="pair-qr" />
              <p class="pair-card-name">{card.user.full_name}</p>
              <p class="pair-card-user">{card.user.username}</p>
              <p class="pair-card-note">{t('secretariat.card_note', { date: formatDate(card.expires_at) })}</p>
            </div>
            <p class="hint-box no-print">{t('secretariat.card_once')}</p>
            <div class="dialog-actions no-print">
              <Button onClick={() => setCard(null)}>{t('common.close')}</Button>
              <Button kind="primary" onClick={() => window.print()}>
                <Icon name="print" />
                {t('secretariat.print')}
              </Button>
            </div>
          </>
        )}
      </Dialog>
      <Dialog open={Boolean(devicesOf)} title={t('secretariat.devices_of', { name: devicesOf?.full_name || '' })} onClose={() => setDevicesOf(null)} wide>
        {devicesOf && <DeviceList user={devicesOf} />}
      </Dialog>
    </>
  );
}

function DeviceList({ user }) {
  useLang();
  const { data, error, loading, reload } = useLoad(() => call('listDevices', { params: { user_id: user.id } }), [user.id]);
  const [run, busy, actionError] = useAction();
  if (loading) return <Loading />;
  if (error) return <ErrorText error={error} />;
  if (data.devices.length === 0) return <EmptyState title={t('secretariat.no_devices')} />;
  return (
    <>
      <ErrorText error={actionError} />
      <ul class="device-list">
        {data.devices.map((d) => (
          <li key={d.id}>
            <div>
              <p class="cell-strong">{d.label}</p>
              <p class="cell-sub">
                {t('secretariat.paired_at', { time: formatDateTime(d.created_at) })}
                {d.last_seen_at ? ` · ${t('secretariat.last_seen', { time: formatDateTime(d.last_seen_at) })}` : ''}
              </p>
            </div>
            {d.revoked_at ? (
              <Badge tone="muted">{t('secretariat.revoked_at', { time: formatDateTime(d.revoked_at) })}</Badge>
            ) : (
              <Button
                kind="danger"
                busy={busy}
                onClick={async () => {
                  if (await run(() => call('revokeDevice', { params: { device_id: d.id }, body: {} }))) reload();
                }}
              >
                {t('secretariat.revoke')}
              </Button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
