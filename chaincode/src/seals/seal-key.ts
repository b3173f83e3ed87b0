/**
 * Where seal keys live in state. A key's state key is
 * (`seal-key`, keyId), so a seal names its key and the check is one read; the department's
 * keys are listed through (`seal-key-by-department`, department, keyId), and its current key
 * through (`seal-key-current`, department). Each change is a new version of the key's record, so
 * `getHistoryForKey` is the key's whole story.
 */
export const SEAL_KEY_OBJECT_TYPE = 'seal-key';
export const SEAL_KEY_BY_DEPARTMENT_OBJECT_TYPE = 'seal-key-by-department';
export const CURRENT_SEAL_KEY_OBJECT_TYPE = 'seal-key-current';
