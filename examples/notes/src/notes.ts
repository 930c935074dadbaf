// The notes app of the DRF reference (drf_seed/notes), as a team writes its own resource on
// Tessera: the model and its ModelSerializer are one declaration, the NoteViewSet is the
// other. Compare models.py + serializers.py + views.py + permissions.py there.
import {
  and,
  defineResource,
  fields,
  isAuthenticated,
  isOwnerOrReadOnly,
  modelViewSet,
  pageNumberPagination,
  type TableOf,
} from 'tessera';

export const notes = defineResource({
  name: 'Note',
  table: 'notes_note',
  display: 'title',
  fields: {
    id: fields.autoId(),
    // ReadOnlyField(source='owner.username'), set by perform_create from request.user.
    owner: fields.currentUser({ show: 'username' }),
    title: fields.char({ maxLength: 100 }),
    body: fields.text({ blank: true }),
    done: fields.boolean({ default: false }),
    priority: fields.choice({ choices: [['low', 'Low'], ['normal', 'Normal'], ['high', 'High']], default: 'normal' }),
    due: fields.date({ null: true }),
    estimate_minutes: fields.positiveInteger({ null: true }),
    created_at: fields.dateTime({ autoNowAdd: true }),
    updated_at: fields.dateTime({ autoNow: true }),
  },
});

/** The notes_note table, for queries of the project's own (Kysely). */
export type NoteTable = TableOf<typeof notes>;

export const noteViewSet = modelViewSet(notes, {
  description: "Each user sees their own notes; staff see everyone's but change only their own.",
  // IsAuthenticated + the tutorial's IsOwnerOrReadOnly.
  permission: and(isAuthenticated, isOwnerOrReadOnly('owner_id')),
  // get_queryset(): a user's own notes; staff see everyone's.
  queryset: (request) => (request.user!.isStaff ? null : { owner: request.user!.id }),
  pagination: pageNumberPagination({ pageSize: 10, pageSizeQueryParam: 'page_size', maxPageSize: 100 }),
  filterFields: ['done', 'priority', 'due'],
  searchFields: ['title', 'body'],
  orderingFields: ['created_at', 'due', 'priority', 'title'],
  ordering: ['-created_at', '-id'],
});
