/** One order of the shop. */
export interface Order {
  id: number;
  item: string;
  quantity: number;
  status: 'received' | 'shipped';
  createdAt: string;
}

/** What a client sends to place an order. */
export interface NewOrder {
  item: string;
  quantity: number;
}

/**
 * The shop's orders, kept in memory: the stand-in for whatever database the existing app uses.
 * The JSON API writes them, the bot reads them to answer customers.
 */
export class OrderBook {
  readonly #orders = new Map<number, Order>();
  #nextId = 1;

  /** Every order, oldest first. */
  list(): Order[] {
    return [...this.#orders.values()];
  }

  /** One order, or undefined. */
  get(id: number): Order | undefined {
    return this.#orders.get(id);
  }

  /** Places an order and returns it with its id. */
  add(order: NewOrder): Order {
    const placed: Order = {
      id: this.#nextId++,
      item: order.item,
      quantity: order.quantity,
      status: 'received',
      createdAt: new Date().toISOString(),
    };
    this.#orders.set(placed.id, placed);
    return placed;
  }
}

/** Reads a new order from a request body, or says what is wrong with it. */
export function parseNewOrder(body: unknown): NewOrder | string {
  if (body === null || typeof body !== 'object')
    return 'send a JSON object: { "item", "quantity" }';
  const { item, quantity = 1 } = body as Record<string, unknown>;
  if (typeof item !== 'string' || item.trim() === '') return 'item must be a non-empty string';
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 99)
    return 'quantity must be a whole number from 1 to 99';
  return { item: item.trim(), quantity };
}
