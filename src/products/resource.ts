// The tutorial's Product: a ModelSerializer with fields = '__all__' and a ModelViewSet on
// the DefaultRouter at /api/products/ (unpaginated, as the tutorial's), and the same
// resource for staff at /api/admin/products/, paged and searchable. Writes through either
// are recorded in the audit log.
import { isAdminUser } from '../auth/permissions.js';
import * as fields from '../generics/fields.js';
import { pageNumberPagination } from '../generics/pagination.js';
import { defineResource } from '../generics/resource.js';
import { modelViewSet } from '../generics/viewsets.js';

export const products = defineResource({
  name: 'Product',
  table: 'product',
  display: 'name',
  fields: {
    id: fields.autoId(),
    name: fields.char({ maxLength: 255 }),
    description: fields.text({ blank: true }),
    price: fields.decimal({ maxDigits: 10, decimalPlaces: 2 }),
    created_at: fields.dateTime({ autoNowAdd: true }),
  },
});

export const productViewSet = modelViewSet(products, { audit: 'product' });

export const adminProductViewSet = modelViewSet(products, {
  permission: isAdminUser,
  pagination: pageNumberPagination({ pageSize: 25, pageSizeQueryParam: 'page_size', maxPageSize: 100 }),
  searchFields: ['name', 'description'],
  orderingFields: ['id', 'name', 'price', 'created_at'],
  ordering: ['id'],
  audit: 'product',
});
