import type { Composer, Context } from '@pactbot/core';

/** The button id that opens the menu; put it on a button of your own to lead here. */
export const OPEN_MENU = 'menu:open';

const DISHES = {
  pizza: { title: '🍕 Pizza', name: 'pizza' },
  sushi: { title: '🍣 Sushi', name: 'sushi set' },
  salad: { title: '🥗 Salad', name: 'salad' },
} as const;

const SIZES = {
  small: 'Small',
  medium: 'Medium',
  large: 'Large',
} as const;

type Dish = keyof typeof DISHES;
type Size = keyof typeof SIZES;

/**
 * The buttons demo: a two-level food menu. Each button's id carries what it means
 * (`menu:size:pizza:large`), so the flow needs no session. On WhatsApp Business the buttons are
 * tapped; on other messengers they arrive as a numbered list, and typing the number (or the
 * title) presses them. Typing "order" opens the menu too.
 */
export function buttonsMenu<C extends Context>(bot: Composer<C>): void {
  const showDishes = (ctx: Context) =>
    ctx.buttons(
      'What would you like to order?',
      Object.entries(DISHES).map(([id, dish]) => ({ title: dish.title, id: `menu:dish:${id}` })),
    );
  bot.action(OPEN_MENU, showDishes);
  bot.hears(/^order$/i, showDishes);

  bot.action(/^menu:dish:/, (ctx) => {
    const dish = ctx.action.id.split(':')[2] as Dish;
    return ctx.buttons(
      `${DISHES[dish].title} it is. Which size?`,
      Object.entries(SIZES).map(([size, title]) => ({ title, id: `menu:size:${dish}:${size}` })),
    );
  });

  bot.action(/^menu:size:/, async (ctx) => {
    const [, , dish, size] = ctx.action.id.split(':') as [string, string, Dish, Size];
    await ctx.reply(
      `✅ One ${SIZES[size].toLowerCase()} ${DISHES[dish].name}, coming right up! It is on its way.`,
    );
    await ctx.buttons('Hungry for more?', [{ title: 'Order again', id: OPEN_MENU }]);
  });
}
