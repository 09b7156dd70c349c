// Rewix through openapi-fetch, typed by openapi-typescript's output for spec/rewix.yaml.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/rewix.js';
import { Tally, check, env, present, same, unique } from './common.js';

type OrderStatus = components['schemas']['OrderStatus'];
const STATUSES: readonly OrderStatus[] = [0, 1, 2, 3, 5, 2000, 2002, 3001, 3002, 5003];

const basic = (user: string, password: string): Middleware => ({
  onRequest({ request }) {
    request.headers.set('Authorization', `Basic ${btoa(`${user}:${password}`)}`);
    return request;
  },
});

function client(password: string) {
  const c = createClient<paths>({ baseUrl: env('REWIX_BASE_URL') });
  c.use(basic(env('REWIX_API_KEY'), password));
  return c;
}

/** `yyyy/MM/dd HH:mm:ss Z`, in UTC. */
function rewixDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} `
    + `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const STOCK_ID = 148148;

export async function run(tally: Tally): Promise<void> {
  const rewix = client(env('REWIX_PASSWORD'));
  const key = `ts-${unique()}`;

  await tally.call('reserveStock', async () => {
    const { data, error, response } = await rewix.POST('/restful/ghost/orders/sold', {
      body: { operations: [{ type: 'lock', models: [{ stock_id: String(STOCK_ID), quantity: '2' }] }] },
    });
    same(response.status, 200, 'status');
    check(error === undefined, `error body ${JSON.stringify(error)}`);
    const model = present(data?.models?.find((m) => m.stock_id === STOCK_ID), `model ${STOCK_ID} in the reservation`);
    check(model.locked >= 2, `locked ${model.locked}`);
  });

  await tally.call('getReservationStatus', async () => {
    const { data, response } = await rewix.GET('/restful/ghost/orders/dropshipping/locked');
    same(response.status, 200, 'status');
    const model = present(data?.models?.find((m) => m.stock_id === STOCK_ID), `model ${STOCK_ID} in the reservation`);
    check(model.locked >= 2 && model.available >= 0, `model ${JSON.stringify(model)}`);
  });

  const carrierId = await tally.call('listCarriers', async () => {
    const { data, response } = await rewix.GET('/restful/export/carriers');
    same(response.status, 200, 'status');
    const carriers = present(data, 'carriers');
    check(carriers.length > 0, 'no carriers');
    for (const c of carriers) check(Number.isInteger(c.id) && c.name.length > 0, `carrier ${JSON.stringify(c)}`);
    return present(carriers[0], 'a carrier').id;
  });

  const orderId = await tally.call('sendDropshippingOrder', async () => {
    const { data, error, response } = await rewix.POST('/restful/ghost/orders/0/dropshipping', {
      body: {
        order_list: [{
          key,
          date: rewixDate(new Date()),
          carrierId: String(present(carrierId, 'a carrier id from listCarriers')),
          recipient_details: {
            recipient: 'Ada Lovelace',
            address: { street_name: 'Roma', address_number: '1', zip: '10100', city: 'TORINO', province: 'TO', countrycode: 'IT' },
            phone: { prefix: '+39', number: '0112838474' },
          },
          item_list: [{ stock_id: String(STOCK_ID), quantity: '2' }],
          autoConfirm: 'true',
        }],
      },
    });
    same(response.status, 200, 'status');
    check(error === undefined, `error body ${JSON.stringify(error)}`);
    const id = present(data?.order_id, 'order_id');
    check(Number.isInteger(id) && id > 0, `order_id ${id}`);
    return id;
  });

  await tally.call('getOrdersByClientKey', async () => {
    const { data, response } = await rewix.GET('/restful/ghost/clientorders/clientkey/{key}', {
      params: { path: { key } },
    });
    same(response.status, 200, 'status');
    const order = present(data?.orders?.[0], 'orders[0]');
    same(order.order_id, orderId, 'order_id');
    same(order.ext_ref, key, 'ext_ref');
    check(STATUSES.includes(order.status), `status ${order.status}`);
  });

  await tally.call('getOrdersByServerKey', async () => {
    const { data, response } = await rewix.GET('/restful/ghost/clientorders/serverkey/{order_id}', {
      params: { path: { order_id: present(orderId, 'an order id') } },
    });
    same(response.status, 200, 'status');
    same(data?.orders?.[0]?.ext_ref, key, 'orders[0].ext_ref');
  });

  await tally.call('sendDropshippingOrder with a malformed date is refused (429, text)', async () => {
    const { data, error, response } = await rewix.POST('/restful/ghost/orders/0/dropshipping', {
      body: {
        order_list: [{
          key: `${key}-bad`,
          date: '15.03.2024',
          recipient_details: {
            recipient: 'Ada Lovelace',
            address: { street_name: 'Roma', address_number: '1', zip: '10100', city: 'TORINO', province: 'TO', countrycode: 'IT' },
            phone: { prefix: '+39', number: '0112838474' },
          },
          item_list: [{ stock_id: String(STOCK_ID), quantity: '1' }],
        }],
      },
    });
    check(data === undefined, `accepted: ${JSON.stringify(data)}`);
    same(response.status, 429, 'status');
    check(typeof error === 'string' && error.length > 0, `error ${JSON.stringify(error)}`);
  });

  await tally.call('getReservationStatus with a wrong password is refused (401)', async () => {
    const { data, error, response } = await client('wrong-password').GET('/restful/ghost/orders/dropshipping/locked');
    check(data === undefined, 'answered with a wrong password');
    same(response.status, 401, 'status');
    check(typeof error === 'string', `error ${JSON.stringify(error)}`);
  });
}
