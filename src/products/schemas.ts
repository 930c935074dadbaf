// The product resource's fields: DRF's validation (serializers/fields.ts) for requests,
// a TypeBox schema for the OpenAPI document, and the OPTIONS metadata DRF's SimpleMetadata
// prints for this ModelSerializer, field for field.
import { Type } from 'typebox';
import { charField, decimalField } from '../serializers/fields.js';

export const PRODUCT_NAME_MAX_LENGTH = 255;

export const productFields = {
  name: charField({ maxLength: PRODUCT_NAME_MAX_LENGTH }),
  description: charField({ required: false, allowBlank: true }),
  price: decimalField({ maxDigits: 10, decimalPlaces: 2 }),
};

export const ProductSchema = Type.Object({
  id: Type.Integer({ readOnly: true }),
  name: Type.String({ maxLength: PRODUCT_NAME_MAX_LENGTH }),
  description: Type.String(),
  price: Type.String({ pattern: '^-?\\d{1,8}\\.\\d{2}$', description: 'Decimal, 10 digits, 2 places, as a string' }),
  created_at: Type.String({ format: 'date-time', readOnly: true }),
});

export const ProductInputSchema = Type.Object({
  name: Type.String({ maxLength: PRODUCT_NAME_MAX_LENGTH }),
  description: Type.Optional(Type.String()),
  price: Type.Union([Type.String(), Type.Number()]),
});

export const productActionFields = {
  id: { type: 'integer', required: false, read_only: true, label: 'ID' },
  name: { type: 'string', required: true, read_only: false, label: 'Name', max_length: PRODUCT_NAME_MAX_LENGTH },
  description: { type: 'string', required: false, read_only: false, label: 'Description' },
  price: { type: 'decimal', required: true, read_only: false, label: 'Price' },
  created_at: { type: 'datetime', required: false, read_only: true, label: 'Created at' },
};
