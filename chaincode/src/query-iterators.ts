import type { Iterators } from 'fabric-shim';

/**
 * Reads a query iterator to the end and always closes it, which frees the peer's query context
 * (a contract that forgets leaves it open until the transaction ends).
 */
export async function drain<T>(iterator: Iterators.CommonIterator<T>): Promise<T[]> {
  const items: T[] = [];
  try {
    for (let result = await iterator.next(); !result.done; result = await iterator.next()) items.push(result.value);
  } finally {
    await iterator.close();
  }
  return items;
}
