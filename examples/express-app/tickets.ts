/** A support ticket: what a customer asked for help with. */
export interface Ticket {
  id: number;
  /** The Pact conversation it came from, where the answer goes. */
  conversationId: number;
  text: string;
  status: 'open' | 'closed';
}

/** The desk's tickets, in memory: what the bot opens and the API lists and closes. */
export class TicketDesk {
  readonly #tickets: Ticket[] = [];

  /** Opens a ticket. */
  open(conversationId: number, text: string): Ticket {
    const ticket: Ticket = { id: this.#tickets.length + 1, conversationId, text, status: 'open' };
    this.#tickets.push(ticket);
    return ticket;
  }

  /** Every ticket, oldest first. */
  list(): Ticket[] {
    return this.#tickets.map((ticket) => ({ ...ticket }));
  }

  /** The open tickets of one conversation. */
  openIn(conversationId: number): Ticket[] {
    return this.list().filter((t) => t.conversationId === conversationId && t.status === 'open');
  }

  /** Closes a ticket; undefined when there is no such ticket. */
  close(id: number): Ticket | undefined {
    const ticket = this.#tickets.find((t) => t.id === id);
    if (ticket) ticket.status = 'closed';
    return ticket ? { ...ticket } : undefined;
  }
}
