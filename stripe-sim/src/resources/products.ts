import type { RequestContext } from '../core.ts';
import { invalidRequest } from '../errors.ts';
import { render } from '../expand.ts';
import type { FormParams } from '../form.ts';
import { newId } from '../ids.ts';
import { PAGINATION_PARAMS, paginate } from '../list.ts';
import { type Product, previousAttributes, snapshot } from '../objects.ts';
import {
  readBoolean,
  readExpand,
  readMetadata,
  readNullableString,
  readRangeFilter,
  readString,
  readStringList,
  rejectUnknown,
  requireString,
} from '../params.ts';
import type { Route } from '../router.ts';

/** Products (`prod_…`): what a Price sells. Only the fields the Billing flows use are writable. */
const NULLABLE_TEXT = ['description', 'statement_descriptor', 'unit_label', 'url'] as const;
const UPDATE_PARAMS = ['name', 'active', 'metadata', ...NULLABLE_TEXT] as const;

function applyFields(product: Product, params: FormParams): void {
  const name = readString(params, 'name');
  if (name !== undefined) {
    if (name === '') throw invalidRequest('You must provide a name for the product.', { param: 'name' });
    product.name = name;
  }
  const active = readBoolean(params, 'active');
  if (active !== undefined) product.active = active;
  for (const field of NULLABLE_TEXT) {
    const value = readNullableString(params, field);
    if (value !== undefined) product[field] = value;
  }
  const metadata = readMetadata(params, product.metadata);
  if (metadata) product.metadata = metadata;
}

function createProduct(ctx: RequestContext, params: FormParams): Product {
  rejectUnknown(params, ['id', ...UPDATE_PARAMS]);
  const name = requireString(params, 'name');
  const id = readString(params, 'id') ?? newId('prod');
  if (ctx.account.objects.has(id)) {
    throw invalidRequest(`Product already exists.`, { param: 'id', code: 'resource_already_exists' });
  }
  const product = ctx.account.add<Product>({
    id,
    object: 'product',
    active: true,
    created: ctx.now,
    default_price: null,
    description: null,
    images: [],
    livemode: ctx.account.livemode,
    marketing_features: [],
    metadata: {},
    name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    type: 'service',
    unit_label: null,
    updated: ctx.now,
    url: null,
  });
  applyFields(product, params);
  ctx.emit('product.created', product);
  return product;
}

function updateProduct(ctx: RequestContext, id: string, params: FormParams): Product {
  rejectUnknown(params, UPDATE_PARAMS);
  const product = ctx.account.get('product', id, 'id');
  const before = snapshot(product);
  applyFields(product, params);
  const previous = previousAttributes(before, product);
  if (Object.keys(previous).length > 0) {
    previous.updated = product.updated;
    product.updated = ctx.now;
    ctx.emit('product.updated', product, previous);
  }
  return product;
}

export const productRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/products',
    family: 'product',
    handle: ({ ctx, params }) => render(ctx.account, createProduct(ctx, params), readExpand(params)),
  },
  {
    method: 'GET',
    pattern: '/v1/products',
    family: 'product',
    handle: ({ ctx, params }) => {
      rejectUnknown(params, [...PAGINATION_PARAMS, 'active', 'created', 'ids']);
      const active = readBoolean(params, 'active');
      const created = readRangeFilter(params, 'created');
      const ids = readStringList(params, 'ids');
      const list = paginate(
        ctx.account.list('product'),
        params,
        '/v1/products',
        (product) =>
          (active === undefined || product.active === active) &&
          created(product.created as number) &&
          (!ids || ids.includes(product.id)),
      );
      return render(ctx.account, list, readExpand(params));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/products/:id',
    family: 'product',
    handle: ({ ctx, params, path }) => {
      rejectUnknown(params, []);
      return render(ctx.account, ctx.account.get('product', path.id ?? '', 'id'), readExpand(params));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/products/:id',
    family: 'product',
    handle: ({ ctx, params, path }) =>
      render(ctx.account, updateProduct(ctx, path.id ?? '', params), readExpand(params)),
  },
];
