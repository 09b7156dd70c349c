// Bootic through openapi-fetch, typed by openapi-typescript's output for spec/bootic.yaml.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/bootic.js';
import { Tally, check, env, present, same, unique } from './common.js';

type OrderStatus = components['schemas']['OrderStatus'];
const STATUSES: readonly OrderStatus[] = ['checkout', 'pending', 'invalid', 'closed', 'shipped', 'delivered'];

const bearer = (token: string): Middleware => ({
  onRequest({ request }) {
    request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
});

/** The client-credentials grant. The token endpoint is the security scheme's `tokenUrl`, not a path of the spec. */
async function fetchToken(): Promise<{ access_token: string; token_type: string; scope?: string }> {
  const basic = btoa(`${env('BOOTIC_CLIENT_ID')}:${env('BOOTIC_CLIENT_SECRET')}`);
  const response = await fetch(env('BOOTIC_TOKEN_URL'), {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'admin' }),
  });
  same(response.status, 200, 'token status');
  return (await response.json()) as { access_token: string; token_type: string; scope?: string };
}

export async function run(tally: Tally): Promise<void> {
  const shopId = Number(env('BOOTIC_SHOP_ID'));
  const baseUrl = env('BOOTIC_BASE_URL');

  const token = await tally.call('token (client credentials)', async () => {
    const body = await fetchToken();
    check(typeof body.access_token === 'string' && body.access_token.length > 0, 'no access_token');
    same(body.token_type.toLowerCase(), 'bearer', 'token_type');
    return body.access_token;
  });
  const bootic = createClient<paths>({ baseUrl });
  bootic.use(bearer(present(token, 'token')));

  await tally.call('getRoot', async () => {
    const { data, response } = await bootic.GET('/');
    same(response.status, 200, 'status');
    const shops = present(data?._embedded?.shops, '_embedded.shops');
    // The recorded root carries shop ids as strings ("47"), the spec allows a string or a number.
    check(shops.some((s) => String(s.id) === String(shopId)), `shop ${shopId} not among ${JSON.stringify(shops.map((s) => s.id))}`);
  });

  const email = `ts-${unique()}@example.com`;
  const created = await tally.call('createOrder', async () => {
    const { data, error, response } = await bootic.POST('/shops/{shop_id}/orders', {
      params: { path: { shop_id: shopId } },
      body: {
        line_items: [{ variant_id: 1234, units: 2 }],
        contact: { email, name: 'Ada Lovelace', phone_number: '12322222222' },
      },
    });
    same(response.status, 201, 'status');
    check(error === undefined, `error body ${JSON.stringify(error)}`);
    const order = present(data, 'order');
    same(order.shop_id, shopId, 'shop_id');
    same(order.status, 'checkout', 'status of a new order');
    check(order.code.length > 0, 'empty code');
    check(Number.isInteger(order.total) && Number.isInteger(order.net_total), 'money is not integer minor units');
    const line = present(order._embedded?.line_items?.[0], '_embedded.line_items[0]');
    same(line.variant_id, 1234, 'line variant_id');
    same(line.units, 2, 'line units');
    same(line.net_total, present(line.unit_price, 'unit_price') * 2, 'line net_total = unit_price x units');
    same(order._embedded?.contact?.email, email, 'contact email');
    return order;
  });

  await tally.call('getOrder', async () => {
    const code = present(created?.code, 'an order code from createOrder');
    const { data, response } = await bootic.GET('/shops/{shop_id}/orders/{code}', {
      params: { path: { shop_id: shopId, code } },
    });
    same(response.status, 200, 'status');
    same(data?.code, code, 'code');
    same(data?.id, created?.id, 'id');
    same(data?.total, created?.total, 'total');
    check(STATUSES.includes(present(data?.status, 'status')), `status ${data?.status}`);
  });

  await tally.call('createOrder with an unknown variant is refused (422)', async () => {
    const { data, error, response } = await bootic.POST('/shops/{shop_id}/orders', {
      params: { path: { shop_id: shopId } },
      body: { line_items: [{ variant_id: 999999, units: 1 }] },
    });
    check(data === undefined, 'accepted an unknown variant');
    same(response.status, 422, 'status');
    const errors = present(error?._embedded?.errors, '_embedded.errors');
    check(errors.length > 0 && errors.every((e) => typeof e.field === 'string' && e.messages.length > 0),
      `errors ${JSON.stringify(errors)}`);
  });

  await tally.call('listOrders without a token is refused (401)', async () => {
    const anonymous = createClient<paths>({ baseUrl });
    const { data, error, response } = await anonymous.GET('/shops/{shop_id}/orders', {
      params: { path: { shop_id: shopId } },
    });
    check(data === undefined, 'answered without a token');
    same(response.status, 401, 'status');
    check(error !== undefined, 'no error body');
  });
}
