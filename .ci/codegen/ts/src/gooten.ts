// Gooten through openapi-fetch, typed by openapi-typescript's output for spec/gooten.yaml.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './generated/gooten.js';
import { Tally, check, env, present, same, unique } from './common.js';

/** Gooten's credential is an apiKey in the query (`recipeid`); openapi-typescript leaves security to the caller. */
const recipeId = (value: string): Middleware => ({
  onRequest({ request }) {
    const url = new URL(request.url);
    url.searchParams.set('recipeid', value);
    return new Request(url, request);
  },
});

function client(recipe: string) {
  const c = createClient<paths>({ baseUrl: env('GOOTEN_BASE_URL') });
  c.use(recipeId(recipe));
  return c;
}

export async function run(tally: Tally): Promise<void> {
  const gooten = client(env('GOOTEN_RECIPE_ID'));
  const billingKey = env('GOOTEN_BILLING_KEY');
  const sourceId = `ts-${unique()}`;

  const products = await tally.call('getProducts', async () => {
    const { data, error, response } = await gooten.GET('/v/5/source/api/products', {
      params: { query: { countryCode: 'US' } },
    });
    same(response.status, 200, 'status');
    check(error === undefined, `error body ${JSON.stringify(error)}`);
    const body = present(data, 'body');
    same(body.HadError, false, 'HadError');
    const list = present(body.Products, 'Products');
    check(list.length > 0, 'no products');
    for (const p of list) {
      check(typeof p.Id === 'number' && typeof p.Name === 'string', `product without Id/Name: ${JSON.stringify(p)}`);
    }
    return list;
  });

  const productId = products?.find((p) => p.HasAvailableProductVariants)?.Id ?? products?.[0]?.Id;
  const sku = await tally.call('getProductVariants', async () => {
    const { data, response } = await gooten.GET('/v/5/source/api/productvariants', {
      params: { query: { countryCode: 'US', productId: present(productId, 'a product id from getProducts') } },
    });
    same(response.status, 200, 'status');
    const variants = present(data?.ProductVariants, 'ProductVariants');
    check(variants.length > 0, `product ${productId} has no variants`);
    const price = variants[0]?.PriceInfo?.Price;
    check(price === undefined || typeof price === 'number', 'PriceInfo.Price is not a number');
    return present(variants[0]?.Sku, 'Sku of the first variant');
  });

  const orderId = await tally.call('submitOrder', async () => {
    const { data, error, response } = await gooten.POST('/v/5/source/api/orders', {
      body: {
        ShipToAddress: {
          FirstName: 'Ada', LastName: 'Lovelace', Line1: '350 5th Ave', City: 'New York', State: 'NY',
          CountryCode: 'US', PostalCode: '10118', Phone: '212-555-0142', Email: 'ada@example.com',
        },
        BillingAddress: { FirstName: 'Ada', LastName: 'Lovelace', PostalCode: '10118', CountryCode: 'US' },
        Items: [{
          SKU: present(sku, 'a SKU from getProductVariants'), Quantity: 2, ShipType: 'standard',
          Images: [{ Url: 'https://example.com/art.png', Index: 0 }],
        }],
        Payment: { PartnerBillingKey: billingKey },
        SourceId: sourceId,
        IsPartnerSourceIdUnique: true,
        IsInTestMode: true,
      },
    });
    same(response.status, 200, 'status');
    check(error === undefined, `error body ${JSON.stringify(error)}`);
    same(data?.HadError, false, 'HadError');
    const id = present(data?.Id, 'Id');
    check(id.length > 0, 'empty Id');
    return id;
  });

  await tally.call('getOrder', async () => {
    const { data, response } = await gooten.GET('/v/5/source/api/orders', {
      params: { query: { id: present(orderId, 'an order id from submitOrder') } },
    });
    same(response.status, 200, 'status');
    same(data?.Id, orderId, 'Id');
    same(data?.SourceId, sourceId, 'SourceId');
    const item = present(data?.Items?.[0], 'Items[0]');
    same(item.Sku, sku, 'Items[0].Sku');
    same(item.Quantity, 2, 'Items[0].Quantity');
    same(data?.ShippingAddress?.LastName, 'Lovelace', 'ShippingAddress.LastName');
  });

  await tally.call('submitOrder (same SourceId, unique) is refused', async () => {
    const { data, error, response } = await gooten.POST('/v/5/source/api/orders', {
      body: {
        ShipToAddress: {
          FirstName: 'Ada', LastName: 'Lovelace', Line1: '350 5th Ave', City: 'New York', CountryCode: 'US',
          PostalCode: '10118', Phone: '212-555-0142', Email: 'ada@example.com',
        },
        BillingAddress: { FirstName: 'Ada', LastName: 'Lovelace', PostalCode: '10118', CountryCode: 'US' },
        Items: [{ SKU: present(sku, 'SKU'), Quantity: 1, ShipType: 'standard', Images: [{ Url: 'https://example.com/a.png' }] }],
        Payment: { PartnerBillingKey: billingKey },
        SourceId: sourceId,
        IsPartnerSourceIdUnique: true,
        IsInTestMode: true,
      },
    });
    check(data === undefined, `accepted a duplicate: ${JSON.stringify(data)}`);
    check(response.status >= 400 && response.status < 500, `status ${response.status}`);
    same(error?.HadError, true, 'HadError');
    check((error?.Errors ?? []).some((e) => e.PropertyName === 'Order.SourceId'), `no Order.SourceId error: ${JSON.stringify(error)}`);
  });

  await tally.call('getProducts with an unknown recipe id is refused', async () => {
    const { data, error, response } = await client('no-such-recipe').GET('/v/5/source/api/products', {
      params: { query: { countryCode: 'US' } },
    });
    check(data === undefined, 'accepted an unknown recipe id');
    same(response.status, 401, 'status');
    check(/recipeId/i.test(error?.Message ?? ''), `Message ${JSON.stringify(error?.Message)}`);
  });
}
